using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing.Rounds;

/// <summary>
/// The slot plan as notices to post at each building's door (A4, one a page), in Chinese and in
/// English whatever the screen's language: residents of every origin read the same notice.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageTesting))]
public sealed class NoticesModel(CordonDb db, Caller caller, Catalog catalog, LocalTime time, TimeProvider clock) : PageModel
{
    /// <summary>One building's notice, each line in both languages.</summary>
    public sealed record Notice(Guid BuildingId, string Compound, (string Zh, string En) Building, (string Zh, string En) Line, string Date, (string Zh, string En) People);

    public TestingRound Round { get; private set; } = null!;

    public List<Notice> Notices { get; private set; } = [];

    public (string Zh, string En) DateLabel { get; private set; }

    public (string Zh, string En) Hint { get; private set; }

    public (string Zh, string En) Issued { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? buildingId, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        if (round is null)
        {
            return NotFound();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var plan = await SlotPlan.ForRoundAsync(db, round, now, cancellationToken);
        var slots = plan.Timetable.Slots.Where(s => buildingId is null || s.Building.Id == buildingId).ToList();
        if (buildingId is not null && slots.Count == 0)
        {
            return NotFound();
        }

        var culture = System.Globalization.CultureInfo.InvariantCulture;
        Round = round;
        Notices = [.. slots.Select(s =>
        {
            var from = time.ToLocal(s.Start);
            var to = time.ToLocal(s.End);
            var number = s.Building.Number;
            var english = number.EndsWith('号') ? number[..^1] : number;
            var (begins, ends) = (from.ToString("HH:mm", culture), to.ToString("HH:mm", culture));

            // Word joiners keep "14:05–14:30" on one line of the poster.
            var args = new object?[] { number, english, begins, ends, s.Point.Name, $"{begins}\u2060–\u2060{ends}" };
            return new Notice(
                s.Building.Id,
                s.Building.Compound,
                catalog.Both("plan.notice.building", args),
                catalog.Both("plan.notice.line", args),
                from.ToString("yyyy-MM-dd", culture),
                catalog.Both("plan.notice.people", s.Headcount));
        })];
        DateLabel = catalog.Both("plan.notice.date");
        Hint = catalog.Both("plan.notice.hint");
        Issued = catalog.Both("plan.notice.issued", time.Format(now));
        return Page();
    }
}
