using System.Globalization;
using System.Text;
using Cordon.Platform;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing;

public enum StaffImportMode
{
    /// <summary>Any row with an error: nothing is stored.</summary>
    AllOrNothing,

    /// <summary>The rows without errors are stored, the others reported.</summary>
    ValidOnly,
}

public sealed record StaffImportError(int Row, string? Column, string? Value, string Code, string Message, string Zh, string En);

public sealed record StaffImportReport(
    int RowsRead, int Created, int Updated, int Unchanged, IReadOnlyList<StaffImportError> Errors, int RowsWithErrors, bool Committed, bool DryRun);

/// <summary>
/// The roster from a spreadsheet (xlsx or csv), in the request: a roster is a few thousand rows at most, so it is
/// bounded (5,000 rows, 5 MB) rather than queued. Rows are matched by mobile within the sub-district: a re-import
/// updates, never duplicates. The same rules as the page and the API (<see cref="StaffRules"/>).
/// </summary>
public sealed class StaffImport(CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, DataDirectory data)
{
    public const int MaxRows = 5_000;
    public const long MaxFileBytes = 5L * 1024 * 1024;
    public const long MaxRequestBytes = MaxFileBytes + (1024 * 1024);

    /// <summary>The template's headers, in order, with the rule field each fills.</summary>
    public static readonly IReadOnlyList<(string Field, string Header)> Columns =
    [
        (StaffRules.Fields.Name, "姓名"),
        (StaffRules.Fields.Mobile, "手机号"),
        (StaffRules.Fields.Organisation, "单位"),
        (StaffRules.Fields.Roles, "职能"),
        (StaffRules.Fields.Neighborhood, "居民区"),
        (StaffRules.Fields.TravelMinutes, "路程分钟"),
        (StaffRules.Fields.NightCallable, "夜间可叫"),
    ];

    /// <summary>The template's example row; left in a filled-in file it is skipped, not imported.</summary>
    public static readonly string[] Example = ["张三", "13800000000", "居委", "带队、扫楼", "", "15", "是"];

    private static readonly Dictionary<string, string> Aliases = BuildAliases();

    /// <summary>Receives the upload (form field <paramref name="field"/>) into the data folder, runs it, and deletes it.</summary>
    public async Task<(StaffImportReport? Report, Error? Refused, object?[] Args)> ReceiveAsync(
        HttpRequest request, string field, Func<IReadOnlyDictionary<string, string>, Task<Error?>>? beforeFile,
        Func<IReadOnlyDictionary<string, string>, (bool DryRun, StaffImportMode Mode)> options, CancellationToken cancellationToken)
    {
        var path = Path.Combine(data.Sub("imports"), $"staff-{caller.UserId}-{Guid.CreateVersion7():N}.upload");
        try
        {
            var (upload, refused) = await Uploads.ReceiveAsync(request, field, path, MaxFileBytes, beforeFile, cancellationToken);
            if (upload is null)
            {
                refused ??= FileErrors.FileMissing;
                return (null, refused, refused == FileErrors.FileTooLarge ? [MaxFileBytes / 1024 / 1024] : []);
            }

            var (dryRun, mode) = options(upload.Fields);
            await using var file = File.OpenRead(path);
            return (await RunAsync(file, upload.FileName, dryRun, mode, cancellationToken), null, []);
        }
        catch (SpreadsheetException e)
        {
            return (null, e.Error, e.Args);
        }
        finally
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Checks every row, then stores (or not, by mode and dry run) in one save. A file refused whole throws <see cref="SpreadsheetException"/>.</summary>
    public async Task<StaffImportReport> RunAsync(Stream file, string fileName, bool dryRun, StaffImportMode mode, CancellationToken cancellationToken)
    {
        var (columns, rows) = ReadRows(file, fileName);
        var neighborhoods = await db.NeighborhoodsByNameAsync(cancellationToken);
        var stored = (await db.Staff.ToListAsync(cancellationToken)).ToDictionary(s => s.Mobile, StringComparer.Ordinal);
        var firstRowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var errors = new List<StaffImportError>();
        var rowsWithErrors = 0;
        int created = 0, updated = 0, unchanged = 0;
        var now = clock.GetUtcNow().UtcDateTime;

        foreach (var row in rows)
        {
            string? Cell(string f) => columns.TryGetValue(f, out var index) ? row.Cell(index) : null;
            var input = new StaffInput(
                Cell(StaffRules.Fields.Name), Cell(StaffRules.Fields.Mobile), Cell(StaffRules.Fields.Organisation), Cell(StaffRules.Fields.Roles),
                Cell(StaffRules.Fields.Neighborhood), Cell(StaffRules.Fields.TravelMinutes), Cell(StaffRules.Fields.NightCallable));
            var (values, refused) = StaffRules.Check(input, neighborhoods);
            if (values is not null && firstRowOf.TryGetValue(values.Mobile, out var first))
            {
                refused.Add(new StaffFieldError(StaffRules.Fields.Mobile, StaffingErrors.MobileDuplicate, input.Mobile, first));
            }

            if (refused.Count > 0)
            {
                rowsWithErrors++;
                errors.AddRange(refused.Select(e => ErrorOf(row.Number, e)));
                continue;
            }

            firstRowOf[values!.Mobile] = row.Number;
            if (stored.TryGetValue(values.Mobile, out var staff))
            {
                if (staff.Apply(values))
                {
                    staff.UpdatedAt = now;
                    staff.Version++;
                    updated++;
                }
                else
                {
                    unchanged++;
                }
            }
            else
            {
                staff = new StaffMember { SubdistrictId = caller.SubdistrictId, CreatedAt = now, UpdatedAt = now };
                staff.Apply(values);
                db.Staff.Add(staff);
                stored[staff.Mobile] = staff;
                created++;
            }
        }

        var commit = !dryRun && (errors.Count == 0 || mode == StaffImportMode.ValidOnly) && created + updated > 0;
        var details = new { rows = rows.Count, created, updated, unchanged, rowsWithErrors, mode = mode.ToString(), dryRun };
        if (commit)
        {
            db.Audit(AuditAction.Import, nameof(StaffMember), null, fileName, details);
            await db.SaveChangesAsync(cancellationToken);
        }
        else
        {
            // A preview or a refused file still read a list of people's phones: recorded like any bulk read.
            db.ChangeTracker.Clear();
            await db.AuditReadAsync("staff-import-check", details, rows.Count, cancellationToken);
        }

        return new StaffImportReport(rows.Count, created, updated, unchanged, errors, rowsWithErrors, commit, dryRun);
    }

    /// <summary>An xlsx of the headers and one example row, every cell text so a mobile is never turned into a float.</summary>
    public static byte[] Template()
    {
        using var buffer = new MemoryStream();
        using (var sheet = new XlsxWriter(buffer, "人员库", [12, 15, 14, 22, 16, 10, 10]))
        {
            sheet.WriteRow([.. Columns.Select(c => c.Header)], header: true);
            sheet.WriteRow(Example);
        }

        return buffer.ToArray();
    }

    private StaffImportError ErrorOf(int row, StaffFieldError e)
    {
        var (zh, en) = catalog.Both(e.Error.MessageKey, e.Argument);
        var header = Columns.First(c => c.Field == e.Field).Header;
        return new StaffImportError(row, header, e.Value, e.Error.Code, Catalog.IsEnglish(CultureInfo.CurrentUICulture) ? en : zh, zh, en);
    }

    private static (Dictionary<string, int> Columns, List<SheetRow> Rows) ReadRows(Stream file, string fileName)
    {
        Dictionary<string, int>? columns = null;
        var rows = new List<SheetRow>();
        foreach (var row in SpreadsheetReader.Read(file, fileName))
        {
            if (row.IsBlank)
            {
                continue;
            }

            if (columns is null)
            {
                columns = [];
                for (var i = 0; i < row.Cells.Count; i++)
                {
                    if (Aliases.TryGetValue(Key(row.Cells[i]), out var field))
                    {
                        columns.TryAdd(field, i);
                    }
                }

                var missing = Columns.Where(c => c.Field != StaffRules.Fields.Neighborhood && !columns.ContainsKey(c.Field)).Select(c => c.Header).ToList();
                if (missing.Count > 0)
                {
                    throw new SpreadsheetException(StaffingErrors.ColumnsMissing, string.Join("、", missing));
                }

                continue;
            }

            if (row.Cell(columns[StaffRules.Fields.Name]) == Example[0] && row.Cell(columns[StaffRules.Fields.Mobile]) == Example[1])
            {
                continue;
            }

            if (rows.Count == MaxRows)
            {
                throw new SpreadsheetException(FileErrors.FileTooManyRows, MaxRows);
            }

            rows.Add(row);
        }

        return columns is null ? throw new SpreadsheetException(FileErrors.FileEmpty) : (columns, rows);
    }

    private static Dictionary<string, string> BuildAliases()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string field, params string[] names)
        {
            foreach (var name in names)
            {
                map[Key(name)] = field;
            }
        }

        Add(StaffRules.Fields.Name, "姓名", "名字", "name");
        Add(StaffRules.Fields.Mobile, "手机号", "手机号码", "手机", "联系电话", "电话", "mobile", "phone");
        Add(StaffRules.Fields.Organisation, "单位", "所在单位", "工作单位", "organisation", "organization", "org");
        Add(StaffRules.Fields.Roles, "职能", "角色", "岗位", "roles", "role", "skills");
        Add(StaffRules.Fields.Neighborhood, "居民区", "居住居民区", "居委", "居委会", "社区", "neighborhood", "neighbourhood");
        Add(StaffRules.Fields.TravelMinutes, "路程分钟", "路程", "路程时间", "travelminutes", "travel");
        Add(StaffRules.Fields.NightCallable, "夜间可叫", "夜间", "夜间可呼叫", "nightcallable", "night");
        return map;
    }

    /// <summary>Spaces, case, a trailing * and a bracketed remark such as （必填） or (分钟) do not matter.</summary>
    private static string Key(string header)
    {
        var value = header.Normalize(NormalizationForm.FormKC).Trim().TrimEnd('*').Trim();
        var bracket = value.IndexOfAny(['(', '[']);
        if (bracket > 0)
        {
            value = value[..bracket];
        }

        return new string([.. value.Where(c => !char.IsWhiteSpace(c) && c is not ('_' or '-' or '*')).Select(char.ToLowerInvariant)]);
    }
}
