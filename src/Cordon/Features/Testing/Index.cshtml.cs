using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>Testing rounds: the open ones first, with progress; a form to plan a new one.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.Sample))]
public sealed class IndexModel(CordonDb db, Caller caller, Catalog catalog, LocalTime time, TimeProvider clock) : PageModel
{
    public sealed record RoundRow(TestingRound Round, CoverageCounts? Counts, int PositivePools);

    public List<RoundRow> Rounds { get; } = [];

    public List<(Guid Id, string Name, string Neighborhood)> Compounds { get; private set; } = [];

    public List<(Guid Id, string Name)> Series { get; private set; } = [];

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public List<Guid> CompoundIds { get; set; } = [];

    [BindProperty]
    public int PoolSize { get; set; } = 10;

    [BindProperty]
    public DateTime? StartsAt { get; set; }

    [BindProperty]
    public DateTime? EndsAt { get; set; }

    [BindProperty]
    public RoundRule Rule { get; set; }

    [BindProperty]
    public Guid? SeriesId { get; set; }

    /// <summary>What the round's tube barcodes start with (the lab's batch prefix); optional.</summary>
    [BindProperty]
    public string? TubePrefix { get; set; }

    /// <summary>The exact length of the round's tube barcodes; empty for any from 6 to 32.</summary>
    [BindProperty]
    public int? TubeLength { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var now = time.Now;
        StartsAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0).AddHours(1);
        EndsAt = StartsAt.Value.AddHours(12);
        await LoadAsync(cancellationToken);
    }

    [Requires(Permission.ManageTesting)]
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var request = new RoundRequest(Name, null, CompoundIds, null, PoolSize,
            StartsAt is { } s ? time.ToUtc(s) : null, EndsAt is { } e ? time.ToUtc(e) : null, Rule, SeriesId, TubePrefix, TubeLength);
        var (round, error) = await Testing.Roster.CreateAsync(db, caller, request, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (error is not null)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(error));
            await LoadAsync(cancellationToken);
            return Page();
        }

        await db.SaveChangesAsync(cancellationToken);
        return Redirect($"/Testing/Rounds/{round!.Id}");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var rounds = await db.TestingRounds.AsNoTracking()
            .OrderBy(r => r.Status == RoundStatus.Open ? 0 : r.Status == RoundStatus.Planned ? 1 : 2).ThenByDescending(r => r.StartsAt)
            .Take(50).ToListAsync(cancellationToken);
        foreach (var round in rounds)
        {
            // Progress for the rounds people are working on; closed ones are history.
            var counts = round.Status == RoundStatus.Closed ? null : await Coverage.CountsAsync(db, await Testing.Roster.ScopeAsync(db, round, cancellationToken), cancellationToken: cancellationToken);
            var positive = await db.Tubes.CountAsync(t => t.RoundId == round.Id && t.Result == TubeResult.Positive, cancellationToken);
            Rounds.Add(new RoundRow(round, counts, positive));
        }

        Compounds = [.. (await db.Compounds.AsNoTracking()
            .Join(db.Neighborhoods, c => c.NeighborhoodId, n => n.Id, (c, n) => new { c.Id, c.Name, Neighborhood = n.Name })
            .OrderBy(x => x.Neighborhood).ThenBy(x => x.Name).ToListAsync(cancellationToken))
            .Select(x => (x.Id, x.Name, x.Neighborhood))];
        Series = [.. rounds.Where(r => r.SeriesId is not null).GroupBy(r => r.SeriesId!.Value).Select(g => (g.Key, g.OrderBy(r => r.StartsAt).First().Name))];
    }
}
