using Cordon.Features.Ledger.Import;
using Cordon.Platform;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger;

/// <summary>The ledger for machines. Every query is jurisdiction-filtered; out of jurisdiction is 404.</summary>
public static class LedgerApi
{
    public const int PageSize = 50;

    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var ledger = app.MapApi("/ledger").RequireAuthorization(RolePermissions.PolicyName(Permission.ViewResidents));
        ledger.MapGet("/compounds", Compounds);
        ledger.MapGet("/residents", Residents).RequireRateLimiting(PlatformSetup.SearchRateLimit);
        ledger.MapGet("/residents/{id:guid}", Resident);
        ledger.MapPost("/residents/{id:guid}/reveal", Reveal).RequireAuthorization(RolePermissions.PolicyName(Permission.RevealPersonalData));
        ledger.MapGet("/buildings/{id:guid}/grid", Grid);
        ledger.MapPost("/import", Import)
            .RequireAuthorization(RolePermissions.PolicyName(Permission.ImportLedger))
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(ImportApi.MaxRequestBytes));
        ledger.MapImports();
        ledger.MapGet("/export", Export).RequireAuthorization(RolePermissions.PolicyName(Permission.ExportLedger));
        ledger.MapGet("/template", Template).RequireAuthorization(RolePermissions.PolicyName(Permission.ImportLedger));
        return app;
    }

    public sealed record CompoundItem(Guid Id, string Name, string Neighborhood, Guid NeighborhoodId, string Address, int Buildings, int Flats, int Residents);

    /// <summary>A resident as the caller may see them: <c>birthDate</c> only for roles that may reveal, <c>age</c> for all.</summary>
    public sealed record ResidentItem(
        Guid Id, string Name, string DocumentType, string? DocumentNumber, string? Phone, string Address, string Compound,
        Guid CompoundId, Guid BuildingId, Guid FlatId, string Status, IReadOnlyList<string> Tags, string Sex, DateOnly? BirthDate, int? Age);

    public sealed record ResidentPage(IReadOnlyList<ResidentItem> Items, int Page, int PageSize, int Total);

    public sealed record RevealRequest(string? Field, string? Reason);

    public sealed record RevealResponse(string Field, string? Value);

    public static async Task<Ok<List<CompoundItem>>> Compounds(CordonDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.CompoundSummaries().ToListAsync(cancellationToken));

    /// <summary>A page of residents; a list or search of people is rate-limited per user and audited (docs/decisions/009).</summary>
    public static async Task<Results<Ok<ResidentPage>, ProblemHttpResult>> Residents(
        CordonDb db, Caller caller, Catalog catalog, LocalTime time, Guid? compoundId, Guid? buildingId, string? q, int? page, CancellationToken cancellationToken)
    {
        if (Paging.Refuse(page) is { } bad)
        {
            return catalog.Problem(bad);
        }

        var search = db.Search(new ResidentSearch(compoundId, buildingId, Q: q?[..Math.Min(q.Length, 64)]), caller);
        if (search.Refused is { } refused)
        {
            return catalog.Problem(refused);
        }

        var (rows, total) = await db.PageAsync(search.Residents, page ?? 1, PageSize, caller, time.Today, cancellationToken);
        await db.AuditReadAsync("resident-list", new { kind = search.Kind.ToString(), compoundId, buildingId, page = page ?? 1 }, rows.Count, cancellationToken,
            search.Kind == SearchKind.List ? AuditAction.Read : AuditAction.Search);
        return TypedResults.Ok(new ResidentPage([.. rows.Select(ToItem)], page ?? 1, PageSize, total));
    }

    public static async Task<Results<Ok<ResidentItem>, NotFound>> Resident(Guid id, CordonDb db, Caller caller, LocalTime time, CancellationToken cancellationToken)
    {
        var row = await db.Rows(db.Residents.AsNoTracking().Where(r => r.Id == id)).SingleOrDefaultAsync(cancellationToken);
        return row is null ? TypedResults.NotFound() : TypedResults.Ok(ToItem(row.Masked(caller, time.Today)));
    }

    /// <summary>One field in full, with a reason, written to the audit log before it is shown.</summary>
    public static async Task<Results<Ok<RevealResponse>, NotFound, ProblemHttpResult>> Reveal(
        Guid id, RevealRequest body, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        var result = await db.RevealAsync(id, body.Field, body.Reason, cancellationToken);
        return result switch
        {
            { Error: { } error } => catalog.Problem(error),
            { Found: false } => TypedResults.NotFound(),
            _ => TypedResults.Ok(new RevealResponse(result.Field!, result.Value)),
        };
    }

    public sealed record ImportResponse(
        int RowsRead, int Created, int Updated, int Unchanged, IReadOnlyList<ImportErrorItem> Errors, int ErrorCount, int RowsWithErrors,
        bool Committed, bool DryRun, IReadOnlyList<string> NewNeighborhoods, IReadOnlyList<string> NewCompounds, int NewBuildings, int NewFlats)
    {
        /// <summary>The run's job: <c>GET /api/v1/ledger/imports/{id}</c> answers for it again.</summary>
        public Guid? Id { get; init; }

        /// <summary>The rows with errors, with a first column 错误, as xlsx (30 minutes); null without errors.</summary>
        public string? ErrorRowsUrl { get; init; }

        public IReadOnlyList<ImportNotice> Notices { get; init; } = [];
    }

    public sealed record ImportErrorItem(int Row, string? Column, string? Value, string Code, string Message, string Zh, string En);

    /// <summary>
    /// <c>?dryRun=true</c> (default) previews; <c>mode=all</c> (default) stores nothing if any row is wrong,
    /// <c>mode=valid</c> stores the valid rows. File-level problems are a ProblemDetails with a code.
    /// The upload (form field <c>file</c>, at most 100 MB) is streamed to disk. A small file is answered at once (200);
    /// a large one (over 5 MB or 20,000 rows), or any real import while another of the sub-district waits or runs, is
    /// a background job: 202 with <c>Location: /api/v1/ledger/imports/{id}</c>.
    /// </summary>
    public static async Task<Results<Ok<ImportResponse>, Accepted<ImportApi.ImportJobItem>, ProblemHttpResult>> Import(
        HttpRequest request, ImportJobs jobs, Caller caller, DataDirectory data, Catalog catalog, TimeProvider clock, bool? dryRun, string? mode, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var path = ImportFiles.Waiting(data, caller.UserId!, id);
        var (upload, refused) = await Uploads.ReceiveAsync(request, "file", path, SpreadsheetReader.MaxFileBytes, null, cancellationToken);
        if (upload is null)
        {
            return refused == FileErrors.FileTooLarge ? catalog.Problem(FileErrors.FileTooLarge, SpreadsheetReader.MaxFileBytes / 1024 / 1024) : catalog.Problem(refused ?? FileErrors.FileMissing);
        }

        try
        {
            var started = await jobs.StartAsync(id, path, upload.FileName, dryRun ?? true,
                mode == "valid" ? ImportMode.ValidOnly : ImportMode.AllOrNothing, cancellationToken);
            if (started.Report is not { } report)
            {
                return TypedResults.Accepted($"/api/v1/ledger/imports/{id}", ImportApi.ToItem(started.Job, jobs, clock.GetUtcNow().UtcDateTime, catalog));
            }

            return TypedResults.Ok(ToResponse(report) with
            {
                Id = id,
                ErrorRowsUrl = report.RowsWithErrors > 0 ? $"/api/v1/ledger/imports/{id}/errors.xlsx" : null,
                Notices = report.Notices,
            });
        }
        catch (SpreadsheetException e)
        {
            ImportFiles.Delete(path);
            return catalog.Problem(e.Error, e.Args);
        }
    }

    public static ImportResponse ToResponse(ImportReport r) => new(
        r.RowsRead, r.Created, r.Updated, r.Unchanged,
        [.. r.Errors.Select(e => new ImportErrorItem(e.Row, e.Column, e.Value, e.Code, e.Message, e.Zh, e.En))],
        r.ErrorCount, r.RowsWithErrors, r.Committed, r.DryRun, r.NewNeighborhoods, r.NewCompounds, r.NewBuildings, r.NewFlats);

    public static async Task<IResult> Export(
        CordonDb db, Caller caller, Microsoft.Extensions.Localization.IStringLocalizer<Catalog> text, LocalTime time,
        Guid? compoundId, Guid? buildingId, string? format, CancellationToken cancellationToken)
    {
        var kind = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase) ? ExportFormat.Csv : ExportFormat.Xlsx;
        var (file, _) = await LedgerExport.WriteAsync(db, caller, new ResidentSearch(compoundId, buildingId), kind, k => text[k], cancellationToken);
        var name = $"人房台账-{time.Now:yyyyMMdd-HHmm}.{(kind == ExportFormat.Csv ? "csv" : "xlsx")}";
        return TypedResults.File(file, kind == ExportFormat.Csv ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }

    public static FileContentHttpResult Template() => TypedResults.File(
        TemplateWorkbook.Build(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "人房台账导入模板.xlsx");

    public static async Task<Results<Ok<BuildingGrid>, NotFound>> Grid(Guid id, CordonDb db, CancellationToken cancellationToken) =>
        await db.GridAsync(id, cancellationToken) is { } grid ? TypedResults.Ok(grid) : TypedResults.NotFound();

    public static IQueryable<CompoundItem> CompoundSummaries(this CordonDb db) => db.Compounds.AsNoTracking()
        .Join(db.Neighborhoods, c => c.NeighborhoodId, n => n.Id, (c, n) => new { c, n })
        .OrderBy(x => x.n.Name).ThenBy(x => x.c.Name)
        .Select(x => new CompoundItem(
            x.c.Id, x.c.Name, x.n.Name, x.n.Id, x.c.Address,
            db.Buildings.Count(b => b.CompoundId == x.c.Id),
            db.Flats.Count(f => f.CompoundId == x.c.Id),
            db.Residents.Count(r => r.CompoundId == x.c.Id && r.Status != ResidenceStatus.MovedOut)));

    private static ResidentItem ToItem(ResidentRow r) => new(
        r.Id, r.Name, r.DocumentType.ToString(), r.DocumentNumber, r.Phone, r.Address, r.Compound, r.CompoundId, r.BuildingId, r.FlatId,
        r.Status.ToString(), [.. NeedTags.Split(r.Tags).Select(t => t.ToString())], r.Sex.ToString(), r.BirthDate, r.Age);
}

public sealed record RevealResult(bool Found, string? Field, string? Value, Error? Error);

public static class Reveals
{
    public const string DocumentNumber = "documentNumber";
    public const string PhoneField = "phone";

    public static async Task<RevealResult> RevealAsync(this CordonDb db, Guid residentId, string? field, string? reason, CancellationToken cancellationToken)
    {
        if (field is not (DocumentNumber or PhoneField))
        {
            return new(false, null, null, LedgerErrors.RevealFieldUnknown);
        }

        var (why, words) = Reasons.Check(reason, 500);
        if (!words)
        {
            return new(false, null, null, LedgerErrors.RevealReasonMissing);
        }

        var resident = await db.Residents.AsNoTracking().Where(r => r.Id == residentId)
            .Select(r => new { r.DocumentNumber, r.Phone })
            .SingleOrDefaultAsync(cancellationToken);
        if (resident is null)
        {
            return new(false, null, null, null);
        }

        db.Audit(AuditAction.Reveal, nameof(Resident), residentId.ToString(), why, new { field });
        await db.SaveChangesAsync(cancellationToken);
        return new(true, field, field == DocumentNumber ? resident.DocumentNumber : resident.Phone, null);
    }
}
