using Cordon.Platform.Auth;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cordon.Features.Ledger.Import;

/// <summary>
/// Import jobs for machines: <c>GET /api/v1/ledger/imports/{id}</c> (progress and result), <c>DELETE</c> (cancel),
/// <c>…/errors.xlsx</c> (the rows with errors, first column 错误). A user sees only their own jobs; another's is 404.
/// </summary>
public static class ImportApi
{
    /// <summary>The file's limit plus room for the form around it; the file's own limit is enforced while it streams.</summary>
    public const long MaxRequestBytes = SpreadsheetReader.MaxFileBytes + (1024 * 1024);

    public static RouteGroupBuilder MapImports(this RouteGroupBuilder ledger)
    {
        var imports = ledger.MapGroup("/imports").RequireAuthorization(RolePermissions.PolicyName(Permission.ImportLedger));
        imports.MapGet("", Recent);
        imports.MapGet("/{id:guid}", Job);
        imports.MapDelete("/{id:guid}", Cancel);
        imports.MapGet("/{id:guid}/errors.xlsx", ErrorRows);
        return imports;
    }

    public sealed record ImportFailure(string Code, string Message, string Zh, string En);

    /// <summary>A job as its owner sees it; <c>state</c> is queued, running, done, failed or cancelled.</summary>
    public sealed record ImportJobItem(
        Guid Id, ImportJobState State, bool DryRun, string Mode, string FileName, long FileBytes,
        int RowsRead, int RowsChecked, int RowsWritten, int Created, int Updated, int Unchanged, int ErrorCount, int RowsWithErrors,
        IReadOnlyList<ImportError> Errors, IReadOnlyList<ImportNotice> Notices, ImportFailure? Failure,
        int? EstimatedRows, double? Progress, int? SecondsLeft, bool CancelRequested,
        DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, string? ErrorRowsUrl);

    public static async Task<Ok<List<ImportJobItem>>> Recent(ImportJobs jobs, TimeProvider clock, Catalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok((await jobs.RecentAsync(20, cancellationToken)).Select(j => ToItem(j, jobs, clock.GetUtcNow().UtcDateTime, catalog, withErrors: false)).ToList());

    public static async Task<Results<Ok<ImportJobItem>, NotFound>> Job(Guid id, ImportJobs jobs, TimeProvider clock, Catalog catalog, CancellationToken cancellationToken) =>
        await jobs.FindAsync(id, cancellationToken) is { } job ? TypedResults.Ok(ToItem(job, jobs, clock.GetUtcNow().UtcDateTime, catalog)) : TypedResults.NotFound();

    /// <summary>
    /// A queued job is cancelled at once (200); a running one stops after its current chunk (202: poll the job). What
    /// a real run committed before it stopped stays, and the job says how many rows that was.
    /// </summary>
    public static async Task<Results<Ok<ImportJobItem>, Accepted<ImportJobItem>, NotFound, ProblemHttpResult>> Cancel(
        Guid id, ImportJobs jobs, TimeProvider clock, Catalog catalog, CancellationToken cancellationToken)
    {
        var (job, refused) = await jobs.CancelAsync(id, cancellationToken);
        if (job is null)
        {
            return TypedResults.NotFound();
        }

        if (refused is not null)
        {
            return catalog.Problem(refused);
        }

        var item = ToItem(job, jobs, clock.GetUtcNow().UtcDateTime, catalog);
        return job.State == ImportJobState.Running ? TypedResults.Accepted($"/api/v1/ledger/imports/{id}", item) : TypedResults.Ok(item);
    }

    /// <summary>The user's own rows that have errors, each with its errors in Chinese in a first column 错误: fix, upload again.</summary>
    public static async Task<Results<FileStreamHttpResult, NotFound, ProblemHttpResult>> ErrorRows(Guid id, ImportJobs jobs, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await jobs.FindAsync(id, cancellationToken) is not { } job)
        {
            return TypedResults.NotFound();
        }

        if (!jobs.HasErrorRows(job))
        {
            return catalog.Problem(LedgerErrors.ImportErrorRowsGone);
        }

        var name = Path.GetFileNameWithoutExtension(job.FileName);
        return TypedResults.File(File.OpenRead(jobs.ErrorRowsPath(job)), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{name}-错误行.xlsx");
    }

    /// <summary>A finished job read fewer rows into its checks than from the file only for the template's example row.</summary>
    public static IReadOnlyList<ImportNotice> NoticesOf(ImportJob job, Catalog catalog)
    {
        if (job.State != ImportJobState.Done || job.RowsRead <= job.RowsChecked)
        {
            return [];
        }

        var (zh, en) = catalog.Both("ledger.import.example-skipped-job");
        return [new ImportNotice(0, "example_row_skipped", Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh, zh, en)];
    }

    public static ImportJobItem ToItem(ImportJob job, ImportJobs jobs, DateTime now, Catalog? catalog, bool withErrors = true)
    {
        var estimate = jobs.EstimatedRows(job);
        IReadOnlyList<ImportNotice> notices = catalog is null ? [] : NoticesOf(job, catalog);

        ImportFailure? failure = null;
        if (job.Failure?.Split('\n', 3) is [var code, var failedZh, var failedEn])
        {
            failure = new ImportFailure(code, Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? failedEn : failedZh, failedZh, failedEn);
        }

        var progress = ImportProgressView.Fraction(job, estimate);
        return new ImportJobItem(
            job.Id, job.State, job.DryRun, job.Mode == ImportMode.ValidOnly ? "valid" : "all", job.FileName, job.FileBytes,
            job.RowsRead, job.RowsChecked, job.RowsWritten, job.Created, job.Updated, job.Unchanged, job.ErrorCount, job.RowsWithErrors,
            withErrors ? ImportJobs.ErrorsOf(job) : [], notices, failure,
            estimate, progress, ImportProgressView.SecondsLeft(job, progress, now), job.CancelRequested,
            job.CreatedAt, job.StartedAt, job.FinishedAt,
            job.RowsWithErrors > 0 && jobs.HasErrorRows(job) ? $"/api/v1/ledger/imports/{job.Id}/errors.xlsx" : null);
    }
}

/// <summary>How far a job is, and how long it still needs: for the bar on the page and the API alike.</summary>
public static class ImportProgressView
{
    /// <summary>
    /// 0…1, or null while nothing can be said. A pass that writes costs about twice one that only checks, so an
    /// all-or-nothing run (check, then write) weighs its two passes one to two.
    /// </summary>
    public static double? Fraction(ImportJob job, int? estimatedRows)
    {
        if (job.State is ImportJobState.Done)
        {
            return 1;
        }

        if (job.State is not ImportJobState.Running || estimatedRows is not { } estimate || estimate <= 0)
        {
            return null;
        }

        double rows = Math.Max(estimate, job.RowsRead);
        var written = job.Created + job.Updated + job.Unchanged;
        var fraction = job.DryRun || job.Mode == ImportMode.ValidOnly
            ? job.RowsRead / rows
            : (job.RowsChecked + (2.0 * written)) / (3 * rows);
        return Math.Clamp(fraction, 0, 0.99);
    }

    public static int? SecondsLeft(ImportJob job, double? fraction, DateTime now)
    {
        if (job.State != ImportJobState.Running || job.StartedAt is not { } started || fraction is not > 0.02)
        {
            return null;
        }

        var elapsed = (now - started).TotalSeconds;
        return (int)Math.Ceiling(elapsed * (1 - fraction.Value) / fraction.Value);
    }
}
