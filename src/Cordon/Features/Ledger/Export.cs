using System.Globalization;
using System.Text;
using Cordon.Features.Ledger.Import;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Cordon.Features.Ledger;

public enum ExportFormat
{
    Xlsx,
    Csv,
}

/// <summary>
/// Exports a part of the ledger in the import template's columns, so a full export can be loaded back.
/// ID numbers and phones are masked unless the caller holds <see cref="Permission.ExportPersonalData"/>;
/// every export is audited with its scope and size.
/// </summary>
public static class LedgerExport
{
    public static string[] Headers => [.. LedgerColumns.Standard.Select(s => s.Header)];

    /// <summary>A cell that a spreadsheet would run as a formula gets a leading apostrophe.</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n' ? "'" + value : value;
    }

    public static async Task<(FileStream File, int Rows)> WriteAsync(
        CordonDb db, Caller caller, ResidentSearch scope, ExportFormat format, Func<string, string> text, CancellationToken cancellationToken)
    {
        var full = caller.Can(Permission.ExportPersonalData);
        var path = Path.Combine(Path.GetTempPath(), "cordon-export-" + Guid.NewGuid().ToString("N"));
        var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        var query = db.Search(scope, caller).Residents
            .Join(db.Flats, r => r.FlatId, f => f.Id, (r, f) => new { r, f })
            .Join(db.Buildings, x => x.r.BuildingId, b => b.Id, (x, b) => new { x.r, x.f, b })
            .Join(db.Compounds, x => x.r.CompoundId, c => c.Id, (x, c) => new { x.r, x.f, x.b, c })
            .Join(db.Neighborhoods, x => x.c.NeighborhoodId, n => n.Id, (x, n) => new { x.r, x.f, x.b, x.c, n })
            .OrderBy(x => x.c.Name).ThenBy(x => x.b.SortKey).ThenBy(x => x.f.Entrance).ThenBy(x => x.f.Floor).ThenBy(x => x.f.Room).ThenBy(x => x.r.Name)
            .Select(x => new
            {
                Neighborhood = x.n.Name,
                Compound = x.c.Name,
                Building = x.b.Number,
                x.f.Entrance,
                x.f.Room,
                x.r.Name,
                x.r.DocumentType,
                x.r.DocumentNumber,
                x.r.Phone,
                x.r.Sex,
                x.r.BirthDate,
                x.r.Relation,
                x.r.Status,
                x.r.Tags,
                x.r.Notes,
            })
            .AsNoTracking();

        // Streams from the database to a temporary file; memory does not grow with the export.
        var count = 0;
        IEnumerable<string[]> Rows()
        {
            foreach (var x in query.AsEnumerable())
            {
                count++;
                yield return
                [
                    x.Neighborhood, x.Compound, x.Building, x.Entrance.ToString(CultureInfo.InvariantCulture), x.Room, x.Name,
                    text(NeedTags.Key(x.DocumentType)),
                    (full ? x.DocumentNumber : Mask.IdNumber(x.DocumentNumber)) ?? "",
                    (full ? x.Phone : Mask.Phone(x.Phone)) ?? "",
                    x.Sex == Sex.Unknown ? "" : text(NeedTags.Key(x.Sex)),
                    x.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                    x.Relation, text(NeedTags.Key(x.Status)),
                    string.Join("、", NeedTags.Split(x.Tags).Select(t => text(NeedTags.Key(t)))),
                    x.Notes,
                ];
            }
        }

        await Task.Run(() => Write(file, format, Rows()), cancellationToken);
        db.Audit(AuditAction.Export, "Ledger", scope.BuildingId?.ToString() ?? scope.CompoundId?.ToString(), null, new
        {
            format = new[] { null, format.ToString() },
            rows = new int?[] { null, count },
            personalData = new[] { null, full ? "full" : "masked" },
        });
        await db.SaveChangesAsync(cancellationToken);
        file.Position = 0;
        return (file, count);
    }

    private static void Write(FileStream file, ExportFormat format, IEnumerable<string[]> rows)
    {
        var headers = Headers;
        if (format == ExportFormat.Csv)
        {
            using var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
            using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
            foreach (var header in headers)
            {
                csv.WriteField(header);
            }

            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    csv.WriteField(Escape(cell));
                }

                csv.NextRecord();
            }

            return;
        }

        var sheet = rows.Select(row =>
        {
            var record = new Dictionary<string, object?>(headers.Length);
            for (var i = 0; i < headers.Length; i++)
            {
                record[headers[i]] = Escape(row[i]);
            }

            return record;
        });
        MiniExcel.SaveAs(file, sheet, sheetName: "人房台账", excelType: ExcelType.XLSX);
    }
}
