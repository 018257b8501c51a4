using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Offline;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Offline;

/// <summary>
/// Writes refused at sync, newest first, in words: who, where, what happened, what to do. A supervisor writes one
/// again with a correction (another tube) or dismisses it with a reason; both are audited.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageTesting))]
public sealed class ConflictsModel(CordonDb db, Caller caller, IEnumerable<IConflictResolver> resolvers, Catalog catalog, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Only the conflicts of one round (sweep, run…): what a round's page links to.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Scope { get; set; }

    public List<(SyncConflict Conflict, ConflictView View)> Open { get; private set; } = [];

    public int OpenTotal { get; private set; }

    public List<SyncConflict> Closed { get; private set; } = [];

    public string? Message { get; private set; }

    public Guid? MessageFor { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Paging.Refuse(PageNumber) is not null)
        {
            return BadRequest();
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid id, string? correction, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        var resolver = resolvers.Single(r => r.Feature == found.Conflict.Feature);
        var (record, error, resolution) = await resolver.RetryAsync(found.Conflict, correction, cancellationToken);
        if (error is not null)
        {
            (Message, MessageFor) = (error, id);
            await LoadAsync(cancellationToken);
            return Page();
        }

        found.Conflict.Close(ConflictStatus.Resolved, resolution, record, caller.UserName, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return Redirect(OfflineFeature.Path);
    }

    public async Task<IActionResult> OnPostDismissAsync(Guid id, string? note, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        var (reason, words) = Reasons.Check(note);
        if (!words)
        {
            (Message, MessageFor) = (catalog.Find("error.reason_missing", System.Globalization.CultureInfo.CurrentUICulture), id);
            await LoadAsync(cancellationToken);
            return Page();
        }

        found.Conflict.Close(ConflictStatus.Dismissed, reason, null, caller.UserName, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return Redirect(OfflineFeature.Path);
    }

    /// <summary>An open conflict the caller may handle (its feature says so), tracked for the change.</summary>
    private async Task<(SyncConflict Conflict, ConflictView View)?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var conflict = await db.Set<SyncConflict>().SingleOrDefaultAsync(c => c.Id == id && c.Status == ConflictStatus.Open, cancellationToken);
        if (conflict is null)
        {
            return null;
        }

        var described = await OfflineFeature.DescribeAsync([conflict], resolvers, cancellationToken);
        return described.Count == 1 ? described[0] : null;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var open = await OfflineFeature.OpenAsync(db, resolvers, 2000, cancellationToken, Scope);
        OpenTotal = open.Count;
        Open = [.. open.Skip((PageNumber - 1) * PageSize).Take(PageSize)];
        var closed = await db.Set<SyncConflict>().AsNoTracking().Where(c => c.Status != ConflictStatus.Open)
            .OrderByDescending(c => c.ResolvedAt).Take(50).ToListAsync(cancellationToken);
        Closed = [.. (await OfflineFeature.DescribeAsync(closed, resolvers, cancellationToken)).Select(c => c.Conflict).OrderByDescending(c => c.ResolvedAt)];
    }
}
