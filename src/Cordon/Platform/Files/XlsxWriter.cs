using System.IO.Compression;
using System.Security;
using System.Text;

namespace Cordon.Platform.Files;

/// <summary>
/// Writes a one-sheet xlsx row by row into a stream, every cell text (number format <c>@</c>, so an 18-digit
/// ID number is never rounded), memory flat whatever the number of rows. For files that are produced while
/// something else streams (an import's rows with errors); whole exports use MiniExcel.
/// Cells are written as given: formula-like text must be escaped by the caller.
/// </summary>
public sealed class XlsxWriter : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly StreamWriter _sheet;
    private int _row;
    private bool _done;

    public XlsxWriter(Stream target, string sheetName, IReadOnlyList<double> widths)
    {
        _zip = new ZipArchive(target, ZipArchiveMode.Create, leaveOpen: true);
        Part("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
            <Default Extension="xml" ContentType="application/xml"/>
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
            <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
            </Types>
            """);
        Part("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
            </Relationships>
            """);
        Part("xl/workbook.xml", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
            <sheets><sheet name="{SecurityElement.Escape(sheetName)}" sheetId="1" r:id="rId1"/></sheets>
            </workbook>
            """);
        Part("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
            <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
            </Relationships>
            """);

        // Style 1: text. Style 2: bold text (the header).
        Part("xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
            <fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
            <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs>
            </styleSheet>
            """);

        var entry = _zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest);
        _sheet = new StreamWriter(entry.Open(), new UTF8Encoding(false), 64 * 1024);
        _sheet.Write("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">""");
        _sheet.Write("""<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>""");
        for (var i = 0; i < widths.Count; i++)
        {
            _sheet.Write($"""<col min="{i + 1}" max="{i + 1}" width="{widths[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}" style="1" customWidth="1"/>""");
        }

        _sheet.Write("</cols><sheetData>");
    }

    public int Rows => _row;

    public void WriteRow(IReadOnlyList<string> cells, bool header = false)
    {
        _row++;
        _sheet.Write("<row r=\"");
        _sheet.Write(_row);
        _sheet.Write("\">");
        for (var i = 0; i < cells.Count; i++)
        {
            if (string.IsNullOrEmpty(cells[i]))
            {
                continue;
            }

            _sheet.Write("<c r=\"");
            _sheet.Write(ColumnName(i));
            _sheet.Write(_row);
            _sheet.Write(header ? "\" s=\"2\" t=\"inlineStr\"><is><t xml:space=\"preserve\">" : "\" s=\"1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">");
            _sheet.Write(XmlText(cells[i]));
            _sheet.Write("</t></is></c>");
        }

        _sheet.Write("</row>");
    }

    public void Dispose()
    {
        if (!_done)
        {
            _done = true;
            _sheet.Write("</sheetData></worksheet>");
            _sheet.Dispose();
            _zip.Dispose();
        }
    }

    public static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    /// <summary>Escaped for XML, without the control characters XML 1.0 cannot hold at all.</summary>
    private static string XmlText(string value)
    {
        var escaped = SecurityElement.Escape(value) ?? "";
        return escaped.Any(c => c < 0x20 && c is not ('\t' or '\n' or '\r'))
            ? new string([.. escaped.Where(c => c >= 0x20 || c is '\t' or '\n' or '\r')])
            : escaped;
    }

    private void Part(string name, string content)
    {
        var entry = _zip.CreateEntry(name, CompressionLevel.Fastest);
        using var stream = entry.Open();
        stream.Write(new UTF8Encoding(false).GetBytes(content.Trim()));
    }
}
