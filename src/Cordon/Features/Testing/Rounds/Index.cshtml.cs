using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Places;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing.Rounds;

/// <summary>One round, live: counts, compounds (or one compound's buildings), what to do next.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.Sample))]
public sealed class IndexModel(CordonDb db, Caller caller, Catalog catalog, TimeProvider clock) : PageModel
{
    public TestingRound Round { get; private set; } = null!;

    public CoverageCounts Counts { get; private set; } = null!;

    public List<CoverageGroup> Groups { get; private set; } = [];

    public Guid? CompoundId { get; private set; }

    public string? CompoundName { get; private set; }

    public int PositivePools { get; private set; }

    public int OpenTubes { get; private set; }

    public Guid? RecallRoundId { get; private set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? compoundId, CancellationToken cancellationToken) =>
        await LoadAsync(id, compoundId, cancellationToken) ? Page() : NotFound();

    [Requires(Permission.ManageTesting)]
    public async Task<IActionResult> OnPostOpenAsync(Guid id, [FromServices] SampleWriter writer, CancellationToken cancellationToken)
    {
        var result = await ChangeAsync(id, r => r.Open(clock.GetUtcNow().UtcDateTime), cancellationToken);
        writer.Warm(caller.SubdistrictId);
        return result;
    }

    [Requires(Permission.ManageTesting)]
    public Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken cancellationToken) => ChangeAsync(id, r => r.Close(clock.GetUtcNow().UtcDateTime), cancellationToken);

    private async Task<IActionResult> ChangeAsync(Guid id, Func<TestingRound, Error?> change, CancellationToken cancellationToken)
    {

        var round = await RoundsApi.FindAsync(db, caller, id, run: true, tracked: true, cancellationToken);
        if (round is null)
        {
            return NotFound();
        }

        if (change(round) is { } error)
        {
            Message = catalog.Message(error);
            return await LoadAsync(id, null, cancellationToken) ? Page() : NotFound();
        }

        await db.SaveChangesAsync(cancellationToken);
        return Redirect($"/Testing/Rounds/{id}");
    }

    /// <summary>What the door-knockers found, the latest knock per person still counted.</summary>
    public List<(KnockOutcome Outcome, int Count)> Knocks { get; private set; } = [];

    private async Task<bool> LoadAsync(Guid id, Guid? compoundId, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        if (round is null)
        {
            return false;
        }

        Round = round;
        var scope = await Testing.Roster.ScopeAsync(db, round, cancellationToken);
        if (compoundId is { } c)
        {
            CompoundName = await db.Compounds.Where(x => x.Id == c).Select(x => x.Name).SingleOrDefaultAsync(cancellationToken);
            if (CompoundName is null)
            {
                return false;
            }

            CompoundId = c;
        }

        Counts = await Coverage.CountsAsync(db, scope, compoundId, cancellationToken: cancellationToken);
        Groups = await Coverage.GroupsAsync(db, scope, compoundId, cancellationToken);
        PositivePools = await db.Tubes.CountAsync(t => t.RoundId == id && t.Result == TubeResult.Positive && t.Capacity > 1, cancellationToken);
        OpenTubes = await db.Tubes.CountAsync(t => t.RoundId == id && t.SealedAt == null, cancellationToken);
        RecallRoundId = await db.TestingRounds.Where(r => r.RecallOf == id).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        Knocks = [.. (await Testing.Knocks.LatestAsync(db, id, null, cancellationToken)).Values
            .Where(k => compoundId is null || k.CompoundId == compoundId)
            .GroupBy(k => k.Outcome).OrderBy(g => g.Key).Select(g => (g.Key, g.Count()))];
        return true;
    }
}
