using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Screening;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>
/// One lockdown: its clocks with check-in and "done", the checklist, the sealed buildings, the testing series, unlock
/// (or its blockers), disinfection per entrance, close, and the history. Every change goes through <see cref="LockdownDesk"/>.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class DetailsModel(
    LockdownDesk desk, CordonDb db, IScreening screening, Catalog catalog, LocalTime time, TimeProvider clock, IEnumerable<Platform.Sites.ISiteSection> sections) : PageModel
{
    /// <summary>What other features add to the page (call-ups), in order.</summary>
    public IEnumerable<Platform.Sites.ISiteSection> Sections => sections.OrderBy(s => s.Order);

    public LockdownView View { get; private set; } = null!;

    public DateTime Now { get; private set; }

    public SeriesSummary? Series { get; private set; }

    public List<string> Missing { get; private set; } = [];

    public string? Message { get; private set; }

    /// <summary>A fresh client id for the disinfection form, so a repeated submit records once.</summary>
    public Guid DisinfectionId { get; } = Guid.CreateVersion7();

    public DateTime LocalNow => time.Now;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await desk.FindAsync(id, cancellationToken) is { } lockdown ? await ShowAsync(lockdown, cancellationToken) : NotFound();

    [Requires(Permission.RunLockdowns)]
    public Task<IActionResult> OnPostCheckInAsync(Guid id, string? note, CancellationToken cancellationToken) =>
        ChangeAsync(id, l => desk.CheckInAsync(l, null, note, cancellationToken), cancellationToken);

    [Requires(Permission.RunLockdowns)]
    public Task<IActionResult> OnPostCompleteAsync(Guid id, string key, string? note, CancellationToken cancellationToken) =>
        ChangeAsync(id, l => desk.CompleteAsync(l, key, null, note, cancellationToken), cancellationToken);

    [Requires(Permission.RunLockdowns)]
    public Task<IActionResult> OnPostTickAsync(Guid id, string key, bool done, CancellationToken cancellationToken) =>
        ChangeAsync(id, l => desk.TickAsync(l, key, done, cancellationToken), cancellationToken);

    [Requires(Permission.Command)]
    public Task<IActionResult> OnPostUnlockAsync(Guid id, bool overrideRule, string? reason, CancellationToken cancellationToken) =>
        ChangeAsync(id, async l => (await desk.UnlockAsync(l, null, overrideRule, reason, cancellationToken)).Error, cancellationToken);

    [Requires(Permission.RunLockdowns)]
    public Task<IActionResult> OnPostDisinfectAsync(
        Guid id, Guid? disinfectionId, Guid? buildingId, int? entrance, DateTime? at, string? agent, string? areas, CancellationToken cancellationToken) =>
        ChangeAsync(id, async l => (await desk.DisinfectAsync(l, new LockdownDesk.DisinfectionRequest(
            disinfectionId, buildingId, entrance, at is { } a ? DateTime.SpecifyKind(a, DateTimeKind.Unspecified) : null, agent, areas, null), cancellationToken)).Error, cancellationToken);

    [Requires(Permission.Command)]
    public Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken cancellationToken) =>
        ChangeAsync(id, async l => (await desk.CloseAsync(l, cancellationToken)).Error, cancellationToken, missingCount: true);

    private async Task<IActionResult> ChangeAsync(Guid id, Func<Lockdown, Task<Error?>> change, CancellationToken cancellationToken, bool missingCount = false)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } lockdown)
        {
            return NotFound();
        }

        if (await change(lockdown) is { } error)
        {
            Message = missingCount && error == LockdownErrors.DisinfectionMissing
                ? catalog.Message(error, (await desk.MissingEntrancesAsync(lockdown, null, cancellationToken)).Count)
                : catalog.Message(error);
            Response.StatusCode = error.Status;
            return await ShowAsync(lockdown, cancellationToken);
        }

        return Redirect(LockdownDesk.Link(id));
    }

    private async Task<IActionResult> ShowAsync(Lockdown lockdown, CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        View = await desk.ViewAsync(lockdown, cancellationToken);
        Series = lockdown.SeriesId is { } series ? await screening.SummaryAsync(db, series, cancellationToken) : null;

        if (lockdown.Status is LockdownStatus.Unlocked or LockdownStatus.Disinfected)
        {
            Missing = await desk.MissingEntrancesAsync(lockdown, null, cancellationToken);
        }

        return Page();
    }
}
