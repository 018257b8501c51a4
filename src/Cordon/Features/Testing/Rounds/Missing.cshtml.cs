using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing.Rounds;

/// <summary>
/// 敲门名单: who the round still misses, in the caller's jurisdiction. A big round opens as a list of buildings
/// (a phone loads one building at a time); a building lists its doors by entrance, top floor first where there is
/// no lift, and each person gets one-tap knock results. <c>?all=true</c> prints everything.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class MissingModel(CordonDb db, Caller caller, Catalog catalog, TimeProvider clock) : PageModel
{
    /// <summary>Up to this many people a list is shown whole; above it, building by building.</summary>
    public const int WholeListUpTo = 150;

    public TestingRound Round { get; private set; } = null!;

    public bool Home { get; private set; }

    public Guid? CompoundId { get; private set; }

    public Guid? BuildingId { get; private set; }

    public bool All { get; private set; }

    public CoverageCounts RoundCounts { get; private set; } = null!;

    public List<MissingPerson> People { get; private set; } = [];

    /// <summary>When the list is too long for a phone: the buildings with how many each still misses.</summary>
    public List<(Guid BuildingId, string Compound, string Building, int Missing, int Knocked)>? Buildings { get; private set; }

    public Dictionary<Guid, bool> WalkUp { get; private set; } = [];

    public Dictionary<Guid, KnockView> Knocked { get; private set; } = [];

    public string? Error { get; private set; }

    public Guid? ErrorFor { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? compoundId, Guid? buildingId, bool home, bool all, CancellationToken cancellationToken) =>
        await LoadAsync(id, compoundId, buildingId, home, all, cancellationToken) ? Page() : NotFound();

    /// <summary>One tap at a door. The knock id comes with the page, so sending the same form twice stores one knock.</summary>
    public async Task<IActionResult> OnPostKnockAsync(Guid id, Guid knockId, Guid residentId, KnockOutcome? outcome, Guid? compoundId, Guid? buildingId, bool home, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        if (round is null)
        {
            return NotFound();
        }

        var (_, created, error) = await Knocks.RecordAsync(db, caller, round, new KnockCommand(knockId, residentId, outcome, null, null), clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (error is not null)
        {
            await LoadAsync(id, compoundId, buildingId, home, false, cancellationToken);
            (Error, ErrorFor) = (catalog.Message(error), residentId);
            return Page();
        }

        if (created)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (Exception e) when (DbErrors.IsUniqueViolation(e))
            {
                // The same tap sent twice at once (a double tap on a slow network): stored once by the other request.
            }
        }

        return Redirect(ListUrl(id, compoundId, buildingId, home) + "#p-" + residentId);
    }

    public string ListUrl(Guid id, Guid? compoundId, Guid? buildingId, bool home) =>
        $"/Testing/Rounds/{id}/Missing" + QueryString.Create(new Dictionary<string, string?>
        {
            ["compoundId"] = compoundId?.ToString(),
            ["buildingId"] = buildingId?.ToString(),
            ["home"] = home ? "true" : null,
        }.Where(kv => kv.Value is not null));

    /// <summary>The order a volunteer climbs: entrance by entrance, from the top floor down where there is no lift.</summary>
    public IEnumerable<MissingPerson> InClimbingOrder(IEnumerable<MissingPerson> people) => people
        .OrderBy(p => p.Entrance)
        .ThenBy(p => WalkUp.GetValueOrDefault(p.BuildingId) ? -p.Floor : p.Floor)
        .ThenBy(p => p.Room, StringComparer.Ordinal)
        .ThenBy(p => p.Name, StringComparer.Ordinal);

    private async Task<bool> LoadAsync(Guid id, Guid? compoundId, Guid? buildingId, bool home, bool all, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        if (round is null)
        {
            return false;
        }

        (Round, Home, CompoundId, BuildingId, All) = (round, home, compoundId, buildingId, all);
        var scope = await Testing.Roster.ScopeAsync(db, round, cancellationToken);
        var (counts, missing) = await Coverage.ReportAsync(db, scope, compoundId, buildingId, cancellationToken);
        RoundCounts = counts;
        People = [.. (home ? missing.Where(p => p.Tags.HasFlag(NeedTag.Mobility)) : missing).Select(p => p with { Phone = caller.Phone(p.Phone) })];
        var buildingIds = People.Select(p => p.BuildingId).Distinct().ToList();
        WalkUp = await db.Buildings.AsNoTracking().Where(b => buildingIds.Contains(b.Id)).ToDictionaryAsync(b => b.Id, b => !b.HasElevator, cancellationToken);
        Knocked = await Knocks.LatestAsync(db, id, [.. People.Select(p => p.ResidentId)], cancellationToken);
        if (buildingId is null && !all && People.Count > WholeListUpTo && buildingIds.Count > 1)
        {
            Buildings = [.. People.GroupBy(p => (p.BuildingId, p.Compound, p.Building))
                .Select(g => (g.Key.BuildingId, g.Key.Compound, g.Key.Building, g.Count(), g.Count(p => Knocked.ContainsKey(p.ResidentId))))
                .OrderBy(b => b.Compound, StringComparer.Ordinal).ThenBy(b => Platform.Places.Address.SortKey(b.Building))];
            People = [];
        }

        await db.AuditReadAsync(home ? "home-sampling-list" : "door-knock-list", new { roundId = id, compoundId, buildingId }, People.Count, cancellationToken);
        return true;
    }
}
