using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// A round is the caller's to see when its scope touches their jurisdiction, and theirs to run (open, close,
/// exempt, plan) only when its whole scope lies inside it: a neighborhood's staff cannot close a sub-district-wide
/// round. Outside either, the round is "not found" (docs/decisions/005). A recall round has its original's scope.
/// </summary>
public static class RoundAccess
{
    public static async Task<bool> SeesAsync(CordonDb db, Caller caller, TestingRound round, CancellationToken cancellationToken)
    {
        if (caller.WholeSubdistrict)
        {
            return round.SubdistrictId == caller.SubdistrictId;
        }

        var scope = await ScopeAsync(db, round, cancellationToken);
        return await InScope(db.Buildings, scope).AnyAsync(cancellationToken);
    }

    public static async Task<bool> RunsAsync(CordonDb db, Caller caller, TestingRound round, CancellationToken cancellationToken)
    {
        if (caller.WholeSubdistrict)
        {
            return round.SubdistrictId == caller.SubdistrictId;
        }

        var scope = await ScopeAsync(db, round, cancellationToken);
        var tenant = caller.SubdistrictId;
        var all = await InScope(db.Buildings.IgnoreQueryFilters().Where(b => b.SubdistrictId == tenant), scope).CountAsync(cancellationToken);
        return all > 0 && await InScope(db.Buildings, scope).CountAsync(cancellationToken) == all;
    }

    /// <summary>Rounds the caller sees, newest first.</summary>
    public static async Task<List<TestingRound>> VisibleAsync(CordonDb db, Caller caller, int take, CancellationToken cancellationToken)
    {
        var rounds = await db.TestingRounds.AsNoTracking().OrderByDescending(r => r.StartsAt).Take(take).ToListAsync(cancellationToken);
        if (caller.WholeSubdistrict)
        {
            return rounds;
        }

        var visible = new List<TestingRound>();
        foreach (var round in rounds)
        {
            if (await SeesAsync(db, caller, round, cancellationToken))
            {
                visible.Add(round);
            }
        }

        return visible;
    }

    private static IQueryable<Platform.Places.Building> InScope(IQueryable<Platform.Places.Building> buildings, RoundScopeSet scope) =>
        buildings.Where(b => scope.Neighborhoods.Contains(b.NeighborhoodId) || scope.Compounds.Contains(b.CompoundId) || scope.Buildings.Contains(b.Id));

    private static async Task<RoundScopeSet> ScopeAsync(CordonDb db, TestingRound round, CancellationToken cancellationToken)
    {
        var owner = round;
        if (round.RecallOf is { } original && await db.TestingRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == original, cancellationToken) is { } first)
        {
            owner = first;
        }

        return await Roster.ScopeAsync(db, owner, cancellationToken);
    }
}
