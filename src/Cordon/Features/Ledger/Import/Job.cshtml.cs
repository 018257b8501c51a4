using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Ledger.Import;

/// <summary>
/// One import job of the caller's: waiting in the queue, its progress while it runs (the page asks again every two
/// seconds), then its result — the preview's choice, or what was written. Closing the page changes nothing.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ImportLedger))]
public sealed class JobModel(ImportJobs jobs, Catalog catalog, TimeProvider clock) : PageModel
{
    public ImportJob Job { get; private set; } = null!;

    public ImportApi.ImportJobItem Item { get; private set; } = null!;

    /// <summary>Imports of the sub-district that run or wait before this one.</summary>
    public int Ahead { get; private set; }

    public ImportOutcome? Outcome { get; private set; }

    public bool Live => Job.State is ImportJobState.Queued or ImportJobState.Running;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await jobs.FindAsync(id, cancellationToken) is not { } job)
        {
            return NotFound();
        }

        Job = job;
        Item = ImportApi.ToItem(job, jobs, clock.GetUtcNow().UtcDateTime, catalog, withErrors: false);
        if (job.State == ImportJobState.Queued)
        {
            Ahead = await jobs.AheadAsync(job, cancellationToken);
        }

        if (job.State is ImportJobState.Done or ImportJobState.Cancelled)
        {
            Outcome = await ImportOutcome.OfAsync(job, null, jobs, catalog, cancellationToken);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken cancellationToken)
    {
        var (job, _) = await jobs.CancelAsync(id, cancellationToken);
        return job is null ? NotFound() : Redirect($"/Ledger/Import/{id}");
    }
}
