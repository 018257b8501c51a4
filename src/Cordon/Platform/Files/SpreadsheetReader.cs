using System.Globalization;
using System.IO.Compression;
using System.Text;
using Cordon.Platform.Web;
using CsvHelper;
using CsvHelper.Configuration;
using MiniExcelLibs;

namespace Cordon.Platform.Files;

/// <summary>A spreadsheet row as the user's spreadsheet program numbers it, every cell as text.</summary>
public sealed record SheetRow(int Number, IReadOnlyList<string> Cells)
{
    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);

    public string Cell(int index) => index < Cells.Count ? Cells[index] : "";
}

/// <summary>A file refused as a whole: not a spreadsheet, too big, a zip bomb, no header row…</summary>
public sealed class SpreadsheetException(Error error, params object?[] args) : Exception(error.Code)
{
    public Error Error { get; } = error;

    public object?[] Args { get; } = args;
}

/// <summary>
/// Reads xlsx and csv (UTF-8 with or without BOM, or GB18030 as older Chinese Excel writes) as rows of
/// text, streaming. Formulas are never evaluated: a formula cell yields the value Excel last stored.
/// Every cell is NFKC-normalised (full-width digits and punctuation become half-width) and trimmed.
/// </summary>
public static class SpreadsheetReader
{
    /// <summary>
    /// A whole sub-district in one file: 300,000 residents are about 40 MB of csv, less as xlsx. The upload is
    /// streamed to disk and imported in the background, so the bound is about disk and patience, not memory.
    /// </summary>
    public const long MaxFileBytes = 100L * 1024 * 1024;

    /// <summary>What an xlsx may unpack to: its sheet XML is 5–10× the file, streamed, never held whole.</summary>
    public const long MaxUnpackedBytes = 1024L * 1024 * 1024;
    public const int MaxRows = 500_000;
    private const int MaxCompressionRatio = 150;

    /// <param name="scratch">
    /// Where the xlsx reader may spill a large shared-string table (the cells' text, so personal data): a folder in
    /// the data directory. Without one it stays in memory; never the system's temporary folder.
    /// </param>
    public static IEnumerable<SheetRow> Read(Stream stream, string fileName, string? scratch = null)
    {
        if (stream.CanSeek && stream.Length > MaxFileBytes)
        {
            throw new SpreadsheetException(FileErrors.FileTooLarge, MaxFileBytes / 1024 / 1024);
        }

        var head = new byte[8];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read == 0)
        {
            throw new SpreadsheetException(FileErrors.FileEmpty);
        }

        if (head[0] == 0xD0 && head[1] == 0xCF && head[2] == 0x11 && head[3] == 0xE0)
        {
            throw new SpreadsheetException(FileErrors.FileLegacyXls);
        }

        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            CheckZip(stream);
            return Xlsx(stream, scratch);
        }

        if (extension is ".xlsx" or ".xlsm" or ".xls")
        {
            throw new SpreadsheetException(FileErrors.FileNotSpreadsheet);
        }

        // Excel's "Unicode text" is UTF-16 (little-endian, with a byte-order mark, tab-separated): text, not binary.
        if (Utf16Of(head, read) is null && LooksBinary(stream))
        {
            throw new SpreadsheetException(FileErrors.FileNotSpreadsheet);
        }

        return Csv(stream);
    }

    /// <summary>
    /// About how many rows a file has, cheaply, for a progress bar (null when it cannot tell): a csv's line breaks, an
    /// xlsx sheet's declared dimension. Never a bound: the reader counts for real.
    /// </summary>
    public static int? EstimateRows(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var head = new byte[4];
            var read = file.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            file.Position = 0;
            if (read == 4 && head[0] == (byte)'P' && head[1] == (byte)'K')
            {
                using var zip = new ZipArchive(file, ZipArchiveMode.Read);
                var sheet = zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.OrdinalIgnoreCase)).MaxBy(e => e.Length);
                if (sheet is null)
                {
                    return null;
                }

                using var reader = new StreamReader(sheet.Open());
                var start = new char[4096];
                var length = reader.ReadBlock(start, 0, start.Length);
                var match = System.Text.RegularExpressions.Regex.Match(new string(start, 0, length), "dimension ref=\"[A-Z]+[0-9]+:[A-Z]+(?<last>[0-9]+)\"");
                return match.Success && int.TryParse(match.Groups["last"].Value, CultureInfo.InvariantCulture, out var rows) ? rows : null;
            }

            var buffer = new byte[256 * 1024];
            var lines = 0;
            int n;
            while ((n = file.Read(buffer)) > 0)
            {
                lines += buffer.AsSpan(0, n).Count((byte)'\n');
            }

            // Less the header line most files have.
            return Math.Max(0, lines - 1);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Cell text the way people read it: no scientific notation for whole numbers Excel kept exactly.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => Clean(s),
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        double d when Math.Abs(d) < 1e15 && d == Math.Floor(d) => d.ToString("F0", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "TRUE" : "FALSE",
        IFormattable f => Clean(f.ToString(null, CultureInfo.InvariantCulture)),
        _ => Clean(value.ToString() ?? ""),
    };

    public static string Clean(string value)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var normalized = value.IsNormalized(NormalizationForm.FormKC) ? value : value.Normalize(NormalizationForm.FormKC);
        normalized = normalized.Trim(' ', '\t', '\r', '\n', '\u00A0', '\u3000', '\uFEFF', '\u200B');

        // Cordon's own exports guard formula-like cells with an apostrophe; take it off on the way back in.
        return normalized.Length > 1 && normalized[0] == '\'' && normalized[1] is '=' or '+' or '-' or '@' ? normalized[1..] : normalized;
    }

    private static void CheckZip(Stream stream)
    {
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            long unpacked = 0;
            var hasWorkbook = false;
            foreach (var entry in zip.Entries)
            {
                unpacked += entry.Length;
                hasWorkbook |= entry.FullName.Equals("xl/workbook.xml", StringComparison.OrdinalIgnoreCase);
                if (entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > MaxCompressionRatio && entry.Length > 10 * 1024 * 1024)
                {
                    throw new SpreadsheetException(FileErrors.FileZipBomb);
                }
            }

            if (unpacked > MaxUnpackedBytes || zip.Entries.Count > 10_000)
            {
                throw new SpreadsheetException(FileErrors.FileZipBomb);
            }

            if (!hasWorkbook)
            {
                throw new SpreadsheetException(FileErrors.FileNotSpreadsheet);
            }
        }
        catch (InvalidDataException)
        {
            throw new SpreadsheetException(FileErrors.FileNotSpreadsheet);
        }
        finally
        {
            stream.Position = 0;
        }
    }

    private static IEnumerable<SheetRow> Xlsx(Stream stream, string? scratch)
    {
        IEnumerable<dynamic> rows;
        try
        {
            var configuration = new MiniExcelLibs.OpenXml.OpenXmlConfiguration
            {
                EnableSharedStringCache = scratch is not null,
                SharedStringCachePath = scratch ?? Path.GetTempPath(),
            };
            rows = MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX, configuration: configuration);
        }
        catch (Exception e) when (e is InvalidDataException or System.Xml.XmlException or InvalidOperationException)
        {
            throw new SpreadsheetException(FileErrors.FileNotSpreadsheet);
        }

        var number = 0;
        using var enumerator = rows.GetEnumerator();
        while (true)
        {
            IDictionary<string, object?> row;
            try
            {
                if (!enumerator.MoveNext())
                {
                    yield break;
                }

                row = (IDictionary<string, object?>)enumerator.Current;
            }
            catch (Exception e) when (e is InvalidDataException or System.Xml.XmlException or InvalidOperationException or FormatException)
            {
                throw new SpreadsheetException(FileErrors.FileNotSpreadsheet);
            }

            number++;
            if (number > MaxRows)
            {
                throw new SpreadsheetException(FileErrors.FileTooManyRows, MaxRows);
            }

            var cells = new string[row.Count];
            var i = 0;
            foreach (var value in row.Values)
            {
                cells[i++] = Text(value);
            }

            yield return new SheetRow(number, cells);
        }
    }

    private static IEnumerable<SheetRow> Csv(Stream stream)
    {
        var encoding = DetectEncoding(stream);
        using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            DetectDelimiter = true,
            DetectDelimiterValues = [",", "\t", ";"],
            BadDataFound = null,
            MissingFieldFound = null,
            IgnoreBlankLines = false,
        };
        using var parser = new CsvParser(reader, configuration);
        var count = 0;
        var previousEnd = 0;
        while (parser.Read())
        {
            if (++count > MaxRows)
            {
                throw new SpreadsheetException(FileErrors.FileTooManyRows, MaxRows);
            }

            var record = parser.Record ?? [];
            var cells = new string[record.Length];
            for (var i = 0; i < record.Length; i++)
            {
                cells[i] = Clean(record[i]);
            }

            // The line the record starts on, as a spreadsheet program would number the row.
            var start = previousEnd + 1;
            previousEnd = parser.RawRow;
            yield return new SheetRow(start, cells);
        }
    }

    private static Encoding DetectEncoding(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
        {
            stream.Position = 3;
            return new UTF8Encoding(false);
        }

        if (length >= 2 && ((buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF)))
        {
            stream.Position = 2;
            return buffer[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
        }

        if (Utf16Of(buffer, length) is { } utf16)
        {
            return utf16;
        }

        // Cut at the last line break so a character split by the buffer edge does not look invalid.
        var end = length == buffer.Length ? Array.LastIndexOf(buffer, (byte)'\n', length - 1) + 1 : length;
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(buffer, 0, end <= 0 ? length : end);
            return new UTF8Encoding(false);
        }
        catch (DecoderFallbackException)
        {
            return Gb18030.Value;
        }
    }

    private static readonly Lazy<Encoding> Gb18030 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    });

    /// <summary>UTF-16 by its byte-order mark, or without one when every other byte of the start is zero (ASCII headers).</summary>
    private static Encoding? Utf16Of(byte[] buffer, int length)
    {
        if (length >= 2 && buffer[0] == 0xFF && buffer[1] == 0xFE)
        {
            return Encoding.Unicode;
        }

        if (length >= 2 && buffer[0] == 0xFE && buffer[1] == 0xFF)
        {
            return Encoding.BigEndianUnicode;
        }

        if (length < 8)
        {
            return null;
        }

        var pairs = Math.Min(length, 256) / 2;
        int oddZero = 0, evenZero = 0;
        for (var i = 0; i < pairs; i++)
        {
            evenZero += buffer[2 * i] == 0 ? 1 : 0;
            oddZero += buffer[(2 * i) + 1] == 0 ? 1 : 0;
        }

        return oddZero > pairs * 0.6 && evenZero < pairs * 0.1 ? Encoding.Unicode
            : evenZero > pairs * 0.6 && oddZero < pairs * 0.1 ? Encoding.BigEndianUnicode
            : null;
    }

    private static bool LooksBinary(Stream stream)
    {
        var buffer = new byte[4096];
        var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        return buffer.AsSpan(0, length).Contains((byte)0);
    }
}
