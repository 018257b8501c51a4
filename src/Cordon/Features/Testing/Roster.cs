using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

public sealed record RoundRequest(
    string? Name,
    List<Guid>? NeighborhoodIds,
    List<Guid>? CompoundIds,
    List<Guid>? BuildingIds,
    int? PoolSize,
    DateTime? StartsAt,
    DateTime? EndsAt,
    RoundRule? Rule = null,
    Guid? SeriesId = null,
    string? TubePrefix = null,
    int? TubeLength = null);

/// <summary>The scope of a round, resolved once: which residents are expected.</summary>
public sealed record RoundScopeSet(Guid RoundId, Guid? RecallOf, List<Guid> Neighborhoods, List<Guid> Compounds, List<Guid> Buildings);

public static class Roster
{
    public static readonly int[] PoolSizes = [1, 5, 10, 20];

    /// <summary>Validates and adds a planned round (the caller saves); places outside the caller's jurisdiction are not found.</summary>
    public static async Task<(TestingRound? Round, Error? Error)> CreateAsync(CordonDb db, Caller caller, RoundRequest request, DateTime now, CancellationToken cancellationToken)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 64)
        {
            return (null, TestingErrors.NameRequired);
        }

        var pool = request.PoolSize ?? 10;
        if (!PoolSizes.Contains(pool))
        {
            return (null, TestingErrors.PoolSizeInvalid);
        }

        var starts = request.StartsAt?.ToUniversalTime() ?? now;
        var ends = request.EndsAt?.ToUniversalTime() ?? starts.AddHours(18);
        if (ends <= starts || ends - starts > TimeSpan.FromDays(3))
        {
            return (null, TestingErrors.WindowInvalid);
        }

        var neighborhoods = request.NeighborhoodIds?.Distinct().ToList() ?? [];
        var compounds = request.CompoundIds?.Distinct().ToList() ?? [];
        var buildings = request.BuildingIds?.Distinct().ToList() ?? [];
        if (neighborhoods.Count + compounds.Count + buildings.Count == 0)
        {
            return (null, TestingErrors.ScopeEmpty);
        }

        // Every place must be visible to the caller (jurisdiction filters apply).
        if (await db.Neighborhoods.CountAsync(n => neighborhoods.Contains(n.Id), cancellationToken) != neighborhoods.Count
            || await db.Compounds.CountAsync(c => compounds.Contains(c.Id), cancellationToken) != compounds.Count
            || await db.Buildings.CountAsync(b => buildings.Contains(b.Id), cancellationToken) != buildings.Count)
        {
            return (null, TestingErrors.ScopeEmpty);
        }

        var prefix = (request.TubePrefix ?? "").Trim().ToUpperInvariant();
        var length = request.TubeLength ?? 0;
        if (prefix.Length > 8 || !prefix.All(char.IsAsciiLetterOrDigit) || length is not 0 and (< 6 or > 32) || (length > 0 && prefix.Length >= length))
        {
            return (null, TestingErrors.TubeFormatInvalid);
        }

        var rule = request.Rule ?? RoundRule.Routine;
        var round = new TestingRound
        {
            SubdistrictId = caller.SubdistrictId,
            Name = name,
            PoolSize = pool,
            StartsAt = starts,
            EndsAt = ends,
            Rule = rule,
            TubePrefix = prefix,
            TubeLength = length,
            SeriesId = rule == RoundRule.TwoWithin48Hours ? request.SeriesId ?? Guid.CreateVersion7() : null,
            CreatedAt = now,
        };
        db.TestingRounds.Add(round);
        db.RoundScopes.AddRange(neighborhoods.Select(n => new RoundScope { SubdistrictId = round.SubdistrictId, RoundId = round.Id, NeighborhoodId = n }));
        db.RoundScopes.AddRange(compounds.Select(c => new RoundScope { SubdistrictId = round.SubdistrictId, RoundId = round.Id, CompoundId = c }));
        db.RoundScopes.AddRange(buildings.Select(b => new RoundScope { SubdistrictId = round.SubdistrictId, RoundId = round.Id, BuildingId = b }));
        return (round, null);
    }

    public static async Task<RoundScopeSet> ScopeAsync(CordonDb db, TestingRound round, CancellationToken cancellationToken)
    {
        var parts = await db.RoundScopes.AsNoTracking().Where(s => s.RoundId == round.Id).ToListAsync(cancellationToken);
        return new RoundScopeSet(
            round.Id, round.RecallOf,
            [.. parts.Where(p => p.NeighborhoodId is not null).Select(p => p.NeighborhoodId!.Value)],
            [.. parts.Where(p => p.CompoundId is not null).Select(p => p.CompoundId!.Value)],
            [.. parts.Where(p => p.BuildingId is not null).Select(p => p.BuildingId!.Value)]);
    }

    /// <summary>
    /// The residents a round expects: living in its scope (not away, not moved out), or for a recall
    /// round the members of the original round's positive pools. Jurisdiction filters still apply.
    /// </summary>
    public static IQueryable<Resident> Expected(CordonDb db, RoundScopeSet scope) => Expected(db, scope, db.Residents);

    /// <summary>The same, over a given set of residents (e.g. <see cref="CordonDb.Visible{T}"/>).</summary>
    public static IQueryable<Resident> Expected(CordonDb db, RoundScopeSet scope, IQueryable<Resident> residents)
    {
        var living = residents.Where(r => r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant);
        if (scope.RecallOf is { } original)
        {
            var members = Recalls.Members(db, original).Select(m => m.ResidentId);
            return residents.Where(r => members.Contains(r.Id));
        }

        return living.Where(r => scope.Neighborhoods.Contains(r.NeighborhoodId) || scope.Compounds.Contains(r.CompoundId) || scope.Buildings.Contains(r.BuildingId));
    }

    /// <summary>
    /// Expected residents of one compound or building of the round (or the whole scope when neither is given).
    /// When the place lies wholly inside the scope the scope test is dropped, so the query is one equality on the
    /// (SubdistrictId, CompoundId, BuildingId) index instead of an IN list the planner may prefer.
    /// </summary>
    public static async Task<IQueryable<Resident>> ExpectedInAsync(
        CordonDb db, RoundScopeSet scope, IQueryable<Resident> residents, Guid? compoundId, Guid? buildingId, CancellationToken cancellationToken)
    {
        var expected = scope.RecallOf is null && await WhollyInScopeAsync(db, scope, compoundId, buildingId, cancellationToken)
            ? residents.Where(r => r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant)
            : Expected(db, scope, residents);
        if (compoundId is { } c)
        {
            expected = expected.Where(r => r.CompoundId == c);
        }

        if (buildingId is { } b)
        {
            expected = expected.Where(r => r.BuildingId == b);
        }

        return expected;
    }

    /// <summary>Whether every resident of the place is in the round's scope. Reads only the place's parents; residents stay filtered.</summary>
    private static async Task<bool> WhollyInScopeAsync(CordonDb db, RoundScopeSet scope, Guid? compoundId, Guid? buildingId, CancellationToken cancellationToken)
    {
        if (buildingId is { } b)
        {
            if (scope.Buildings.Contains(b))
            {
                return true;
            }

            var parents = await db.Buildings.IgnoreQueryFilters().Where(x => x.Id == b)
                .Select(x => new { x.CompoundId, x.NeighborhoodId }).SingleOrDefaultAsync(cancellationToken);
            return parents is not null && (scope.Compounds.Contains(parents.CompoundId) || scope.Neighborhoods.Contains(parents.NeighborhoodId));
        }

        if (compoundId is { } c)
        {
            if (scope.Compounds.Contains(c))
            {
                return true;
            }

            if (scope.Neighborhoods.Count == 0)
            {
                return false;
            }

            var neighborhood = await db.Compounds.IgnoreQueryFilters().Where(x => x.Id == c).Select(x => (Guid?)x.NeighborhoodId).SingleOrDefaultAsync(cancellationToken);
            return neighborhood is { } n && scope.Neighborhoods.Contains(n);
        }

        return false;
    }

    public static async Task<bool> InScopeAsync(CordonDb db, TestingRound round, Person person, CancellationToken cancellationToken)
    {
        if (person.ResidentId is not { } residentId)
        {
            return true;
        }

        if (round.RecallOf is { } original)
        {
            return await Recalls.Members(db, original).AnyAsync(m => m.ResidentId == residentId, cancellationToken);
        }

        return await db.RoundScopes.AnyAsync(s => s.RoundId == round.Id
            && (s.NeighborhoodId == person.NeighborhoodId || s.CompoundId == person.ResidentCompoundId || s.BuildingId == person.ResidentBuildingId), cancellationToken);
    }
}
