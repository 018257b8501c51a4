using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Ledger.Import;

/// <summary>
/// Upload → preview (a dry run of the real import) → choose → confirm. The upload is streamed into the data folder and
/// waits there between the steps, for its uploader only, so nobody uploads twice; a large file is previewed and
/// imported by a background job, followed on <c>/Ledger/Import/{id}</c>.
/// <para>
/// Nothing on this page binds the form: binding would read a 100 MB upload into the system's temporary folder before
/// the handler could stream it. The antiforgery token is checked by hand for the same reason, before the file is
/// written (it comes first in the form).
/// </para>
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ImportLedger))]
[IgnoreAntiforgeryToken]
[RequestSizeLimit(ImportApi.MaxRequestBytes)]
public sealed class IndexModel(ImportJobs jobs, DataDirectory data, Caller caller, Catalog catalog, IAntiforgery antiforgery) : PageModel
{
    public ImportOutcome? Outcome { get; private set; }

    public string? FileError { get; private set; }

    public List<ImportJob> Recent { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Recent = await jobs.RecentAsync(10, cancellationToken);

    /// <summary>No parameters, not even a cancellation token: any would make Razor Pages read the whole form first.</summary>
    public async Task<IActionResult> OnPostPreviewAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        var id = Guid.CreateVersion7();
        var path = ImportFiles.Waiting(data, caller.UserId!, id);
        var (upload, refused) = await Uploads.ReceiveAsync(Request, "Upload", path, SpreadsheetReader.MaxFileBytes, async fields =>
        {
            if (fields.TryGetValue("__RequestVerificationToken", out var token))
            {
                Request.Headers["RequestVerificationToken"] = token;
            }

            return await antiforgery.IsRequestValidAsync(HttpContext) ? null : HttpErrors.BadRequest;
        }, cancellationToken);
        if (refused == HttpErrors.BadRequest)
        {
            return BadRequest();
        }

        if (upload is null)
        {
            FileError = refused == FileErrors.FileTooLarge ? catalog.Message(FileErrors.FileTooLarge, SpreadsheetReader.MaxFileBytes / 1024 / 1024) : catalog.Message(refused ?? FileErrors.FileMissing);
            return await PageAsync(cancellationToken);
        }

        return await StartAsync(id, path, upload.FileName, dryRun: true, ImportMode.AllOrNothing, cancellationToken);
    }

    /// <summary>The choice made on the preview, applied to the upload that waits under the preview's id.</summary>
    public async Task<IActionResult> OnPostCommitAsync(CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(HttpContext))
        {
            return BadRequest();
        }

        var form = await Request.ReadFormAsync(cancellationToken);
        if (!Guid.TryParse(form["Token"], out var token) || await jobs.FindAsync(token, cancellationToken) is not { } preview
            || !System.IO.File.Exists(ImportFiles.Waiting(data, caller.UserId!, token)))
        {
            FileError = catalog.Message(LedgerErrors.ImportFileGone);
            return await PageAsync(cancellationToken);
        }

        var mode = form["Mode"] == "valid" ? ImportMode.ValidOnly : ImportMode.AllOrNothing;
        return await StartAsync(Guid.CreateVersion7(), ImportFiles.Waiting(data, caller.UserId!, token), preview.FileName, dryRun: false, mode, cancellationToken);
    }

    /// <summary>Cancel deletes the waiting upload at once: it holds full ID numbers.</summary>
    public async Task<IActionResult> OnPostCancelAsync(CancellationToken cancellationToken)
    {
        if (!await antiforgery.IsRequestValidAsync(HttpContext))
        {
            return BadRequest();
        }

        var form = await Request.ReadFormAsync(cancellationToken);
        if (Guid.TryParse(form["Token"], out var token))
        {
            ImportFiles.Delete(ImportFiles.Waiting(data, caller.UserId!, token));
            ImportFiles.Delete(ImportFiles.ErrorRows(data, caller.UserId!, token));
        }

        return Redirect("/Ledger/Import");
    }

    private async Task<IActionResult> StartAsync(Guid id, string path, string fileName, bool dryRun, ImportMode mode, CancellationToken cancellationToken)
    {
        try
        {
            var started = await jobs.StartAsync(id, path, fileName, dryRun, mode, cancellationToken);
            if (started.Report is not { } report)
            {
                return Redirect($"/Ledger/Import/{id}");
            }

            Outcome = await ImportOutcome.OfAsync(started.Job, report, jobs, catalog, cancellationToken);
        }
        catch (SpreadsheetException e)
        {
            FileError = catalog.Message(e.Error, e.Args);
            ImportFiles.Delete(path);
        }

        return await PageAsync(cancellationToken);
    }

    private async Task<IActionResult> PageAsync(CancellationToken cancellationToken)
    {
        Recent = await jobs.RecentAsync(10, cancellationToken);
        return Page();
    }
}

/// <summary>What a finished run (in the request or a job) shows: its counts, notices and errors, and what may follow.</summary>
public sealed record ImportOutcome(
    ImportJob Job,
    bool Committed,
    bool Cancelled,
    IReadOnlyList<ImportError> Errors,
    IReadOnlyList<ImportNotice> Notices,
    ImportReport? Report,
    bool MayChoose,
    bool HasErrorRows,
    IReadOnlyList<(Guid Id, string Name, int Count)> CreatedIn)
{
    public int Written => Job.Created + Job.Updated;

    /// <summary>What "only the valid rows" would write: the preview counts only rows without errors.</summary>
    public int ValidRows => Job.RowsChecked - Job.RowsWithErrors;

    public static async Task<ImportOutcome> OfAsync(ImportJob job, ImportReport? report, ImportJobs jobs, Catalog catalog, CancellationToken cancellationToken)
    {
        var committed = report?.Committed ?? job.RowsWritten > 0;
        var notices = report?.Notices ?? ImportApi.NoticesOf(job, catalog);
        var mayChoose = !committed && job.State == ImportJobState.Done && (job.DryRun || job.ErrorCount > 0) && jobs.Waiting(job);
        return new ImportOutcome(
            job, committed, job.State == ImportJobState.Cancelled || report?.Cancelled == true, report?.Errors ?? ImportJobs.ErrorsOf(job), notices, report, mayChoose,
            jobs.HasErrorRows(job), committed ? await jobs.CreatedInAsync(job, cancellationToken) : []);
    }
}
