using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>Expected, sampled, exempt and missing: computed from the ledger, never typed by hand.</summary>
public sealed record CoverageCounts(int Expected, int Sampled, int Exempt, int Missing, int Visitors)
{
    public double Percent => Expected == 0 ? 0 : 100.0 * (Sampled + Exempt) / Expected;
}

public sealed record CoverageGroup(Guid Id, string Name, CoverageCounts Counts);

public sealed record MissingPerson(
    Guid ResidentId, string Name, Guid CompoundId, string Compound, Guid BuildingId, string Building, int Entrance, int Floor, string Room,
    string Address, NeedTag Tags, string? Phone, Guid FlatId);

public enum PersonState
{
    Missing,
    Sampled,
    Exempt,
}

public static class Coverage
{
    private sealed class Flags
    {
        public Guid CompoundId { get; init; }

        public Guid BuildingId { get; init; }

        public Guid FlatId { get; init; }

        public bool Sampled { get; init; }

        public bool Exempt { get; init; }
    }

    /// <summary>One row per expected resident with two flags, all in SQL (NOT EXISTS anti-joins on indexed columns).</summary>
    private static async Task<IQueryable<Flags>> FlaggedAsync(CordonDb db, RoundScopeSet scope, Guid? compoundId, Guid? buildingId, CancellationToken cancellationToken)
    {
        var expected = await Roster.ExpectedInAsync(db, scope, db.Residents, compoundId, buildingId, cancellationToken);
        var round = scope.RoundId;
        return expected.Select(r => new Flags
        {
            CompoundId = r.CompoundId,
            BuildingId = r.BuildingId,
            FlatId = r.FlatId,
            Sampled = db.Set<SampleRecord>().Any(s => s.RoundId == round && s.ResidentId == r.Id),
            Exempt = db.Set<Exemption>().Any(e => e.RoundId == round && e.ResidentId == r.Id),
        });
    }

    public static async Task<CoverageCounts> CountsAsync(CordonDb db, RoundScopeSet scope, Guid? compoundId = null, Guid? buildingId = null, CancellationToken cancellationToken = default)
    {
        var totals = await (await FlaggedAsync(db, scope, compoundId, buildingId, cancellationToken))
            .GroupBy(_ => 1)
            .Select(g => new { Expected = g.Count(), Sampled = g.Sum(x => x.Sampled ? 1 : 0), Exempt = g.Sum(x => !x.Sampled && x.Exempt ? 1 : 0) })
            .SingleOrDefaultAsync(cancellationToken);
        var visitors = await Visitors(db, scope.RoundId, compoundId, buildingId).CountAsync(cancellationToken);
        var expected = totals?.Expected ?? 0;
        var sampled = totals?.Sampled ?? 0;
        var exempt = totals?.Exempt ?? 0;
        return new CoverageCounts(expected + visitors, sampled + visitors, exempt, expected - sampled - exempt, visitors);
    }

    /// <summary>Counts per compound, or per building of one compound.</summary>
    public static async Task<List<CoverageGroup>> GroupsAsync(CordonDb db, RoundScopeSet scope, Guid? compoundId, CancellationToken cancellationToken)
    {
        var flagged = await FlaggedAsync(db, scope, compoundId, null, cancellationToken);
        var rows = compoundId is null
            ? await flagged.GroupBy(x => x.CompoundId)
                .Select(g => new { Id = g.Key, Expected = g.Count(), Sampled = g.Sum(x => x.Sampled ? 1 : 0), Exempt = g.Sum(x => !x.Sampled && x.Exempt ? 1 : 0) })
                .ToListAsync(cancellationToken)
            : await flagged.GroupBy(x => x.BuildingId)
                .Select(g => new { Id = g.Key, Expected = g.Count(), Sampled = g.Sum(x => x.Sampled ? 1 : 0), Exempt = g.Sum(x => !x.Sampled && x.Exempt ? 1 : 0) })
                .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var names = compoundId is null
            ? await db.Compounds.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => (c.Name, Sort: 0), cancellationToken)
            : await db.Buildings.Where(b => ids.Contains(b.Id)).ToDictionaryAsync(b => b.Id, b => (Name: b.Number, Sort: b.SortKey), cancellationToken);
        return [.. rows
            .Select(r => new CoverageGroup(r.Id, names.TryGetValue(r.Id, out var n) ? n.Name : "?",
                new CoverageCounts(r.Expected, r.Sampled, r.Exempt, r.Expected - r.Sampled - r.Exempt, 0)))
            .OrderBy(g => names.TryGetValue(g.Id, out var n) ? n.Sort : 0).ThenBy(g => g.Name, StringComparer.Ordinal)];
    }

    private sealed class ReportRow
    {
        public Guid Id { get; init; }

        public string Name { get; init; } = "";

        public NeedTag Tags { get; init; }

        public string? Phone { get; init; }

        public Guid FlatId { get; init; }

        public int Entrance { get; init; }

        public int Floor { get; init; }

        public string Room { get; init; } = "";

        public Guid BuildingId { get; init; }
    }

    /// <summary>
    /// Counts and the missing list, as the anti-joins a person would write by hand: one aggregate over
    /// the expected residents (no joins), one list of the missing with their addresses. The residents
    /// are restricted to the caller's jurisdiction in the query itself (<see cref="CordonDb.Visible{T}"/>),
    /// so flats, buildings and compounds are joined on primary keys without filters of their own.
    /// </summary>
    public static async Task<(CoverageCounts Counts, List<MissingPerson> Missing)> ReportAsync(
        CordonDb db, RoundScopeSet scope, Guid? compoundId = null, Guid? buildingId = null, CancellationToken cancellationToken = default)
    {
        var expected = await Roster.ExpectedInAsync(db, scope, db.Visible<Resident>(), compoundId, buildingId, cancellationToken);
        var round = scope.RoundId;

        // Plain counts (no GROUP BY over a derived table): everyone expected, and the exempt who were not sampled
        // (a short list); the sampled follow from the missing list below, which has to be read anyway.
        var total = await expected.CountAsync(cancellationToken);
        var exemptions = db.Exemptions.IgnoreQueryFilters().Where(e => e.RoundId == round).Select(e => e.ResidentId);
        var exempt = await expected
            .Where(r => exemptions.Contains(r.Id) && !db.Set<SampleRecord>().Any(s => s.RoundId == round && s.ResidentId == r.Id))
            .CountAsync(cancellationToken);
        // The flats are narrowed to the same place as the people, so PostgreSQL reads the compound's
        // flats by index instead of hashing every flat of the sub-district.
        var flats = db.Visible<Flat>();
        if (compoundId is { } inCompound)
        {
            flats = flats.Where(f => f.CompoundId == inCompound);
        }

        if (buildingId is { } inBuilding)
        {
            flats = flats.Where(f => f.BuildingId == inBuilding);
        }

        var rows = await expected
            .Where(r => !db.Set<SampleRecord>().Any(s => s.RoundId == round && s.ResidentId == r.Id) && !db.Set<Exemption>().Any(e => e.RoundId == round && e.ResidentId == r.Id))
            .Join(flats, r => r.FlatId, f => f.Id, (r, f) => new ReportRow
            {
                Id = r.Id,
                Name = r.Name,
                Tags = r.Tags,
                Phone = r.Phone,
                FlatId = f.Id,
                Entrance = f.Entrance,
                Floor = f.Floor,
                Room = f.Room,
                BuildingId = r.BuildingId,
            })
            .ToListAsync(cancellationToken);

        // Buildings and compounds are few (hundreds in a sub-district): read them once instead of joining per person.
        var buildings = db.Visible<Building>();
        if (compoundId is { } c)
        {
            buildings = buildings.Where(x => x.CompoundId == c);
        }

        if (buildingId is { } b)
        {
            buildings = buildings.Where(x => x.Id == b);
        }

        var places = await buildings
            .Join(db.Compounds.IgnoreQueryFilters(), x => x.CompoundId, cp => cp.Id, (x, cp) => new { x.Id, x.Number, x.SortKey, x.Entrances, x.CompoundId, Compound = cp.Name })
            .ToDictionaryAsync(x => x.Id, cancellationToken);
        var visitors = await Visitors(db, round, compoundId, buildingId).CountAsync(cancellationToken);
        var missing = rows
            .Select(r => (Row: r, Place: places[r.BuildingId]))
            .OrderBy(x => x.Place.Compound, StringComparer.Ordinal).ThenBy(x => x.Place.SortKey).ThenBy(x => x.Place.Number, StringComparer.Ordinal)
            .ThenBy(x => x.Row.Entrance).ThenBy(x => x.Row.Floor).ThenBy(x => x.Row.Room, StringComparer.Ordinal).ThenBy(x => x.Row.Name, StringComparer.Ordinal)
            .Select(x => new MissingPerson(x.Row.Id, x.Row.Name, x.Place.CompoundId, x.Place.Compound, x.Row.BuildingId, x.Place.Number,
                x.Row.Entrance, x.Row.Floor, x.Row.Room, Address.Format(x.Place.Number, x.Row.Entrance, x.Row.Room, x.Place.Entrances), x.Row.Tags, x.Row.Phone, x.Row.FlatId))
            .ToList();
        var sampled = total - exempt - missing.Count;
        return (new CoverageCounts(total + visitors, sampled + visitors, exempt, missing.Count, visitors), missing);
    }

    /// <summary>Who has not been sampled and is not exempt, in door-knocking order (building, entrance, floor, room).</summary>
    public static IQueryable<MissingPerson> Missing(CordonDb db, RoundScopeSet scope, Guid? compoundId = null, Guid? buildingId = null)
    {
        var expected = Roster.Expected(db, scope);
        if (compoundId is { } c)
        {
            expected = expected.Where(r => r.CompoundId == c);
        }

        if (buildingId is { } b)
        {
            expected = expected.Where(r => r.BuildingId == b);
        }

        var round = scope.RoundId;
        return expected
            .Where(r => !db.Set<SampleRecord>().Any(s => s.RoundId == round && s.ResidentId == r.Id) && !db.Set<Exemption>().Any(e => e.RoundId == round && e.ResidentId == r.Id))
            .Join(db.Flats, r => r.FlatId, f => f.Id, (r, f) => new { r, f })
            .Join(db.Buildings, x => x.r.BuildingId, bd => bd.Id, (x, bd) => new { x.r, x.f, bd })
            .Join(db.Compounds, x => x.r.CompoundId, cp => cp.Id, (x, cp) => new { x.r, x.f, x.bd, cp })
            .OrderBy(x => x.cp.Name).ThenBy(x => x.bd.SortKey).ThenBy(x => x.bd.Number).ThenBy(x => x.f.Entrance).ThenBy(x => x.f.Floor).ThenBy(x => x.f.Room).ThenBy(x => x.r.Name)
            .Select(x => new MissingPerson(
                x.r.Id, x.r.Name, x.cp.Id, x.cp.Name, x.bd.Id, x.bd.Number, x.f.Entrance, x.f.Floor, x.f.Room,
                Address.Format(x.bd.Number, x.f.Entrance, x.f.Room, x.bd.Entrances), x.r.Tags, x.r.Phone, x.f.Id));
    }

    /// <summary>Marks for the building grid: every flat coloured by how much of it is done.</summary>
    public static async Task<Dictionary<Guid, GridMark>> GridMarksAsync(CordonDb db, RoundScopeSet scope, Guid buildingId, CancellationToken cancellationToken)
    {
        var flats = await (await FlaggedAsync(db, scope, null, buildingId, cancellationToken))
            .GroupBy(x => x.FlatId)
            .Select(g => new { Flat = g.Key, Expected = g.Count(), Sampled = g.Sum(x => x.Sampled ? 1 : 0), Exempt = g.Sum(x => !x.Sampled && x.Exempt ? 1 : 0) })
            .ToListAsync(cancellationToken);
        var marks = flats.ToDictionary(f => f.Flat, f =>
            f.Sampled + f.Exempt == f.Expected
                ? f.Sampled == 0 ? new GridMark("mark-info", "coverage.exempt") : new GridMark("mark-ok", "coverage.done")
                : f.Sampled + f.Exempt == 0 ? new GridMark("mark-bad", "coverage.missing") : new GridMark("mark-warn", "coverage.partial"));

        // A flat with someone in a positive pool of this round is marked for recall above everything else.
        var recalled = await Recalls.Members(db, scope.RecallOf ?? scope.RoundId)
            .Join(db.Residents.Where(r => r.BuildingId == buildingId), m => m.ResidentId, r => r.Id, (_, r) => r.FlatId)
            .Distinct().ToListAsync(cancellationToken);
        foreach (var flat in recalled)
        {
            marks[flat] = new GridMark("mark-recall", "coverage.recall");
        }

        return marks;
    }

    /// <summary>Each expected person of one flat, with their state in the round.</summary>
    public static async Task<List<(Guid ResidentId, string Name, PersonState State, DateTime? TakenAt, string? Tube)>> FlatAsync(
        CordonDb db, RoundScopeSet scope, Guid flatId, CancellationToken cancellationToken)
    {
        var round = scope.RoundId;
        var people = await Roster.Expected(db, scope).Where(r => r.FlatId == flatId)
            .Select(r => new
            {
                r.Id,
                r.Name,
                Sample = db.Set<SampleRecord>().Where(s => s.RoundId == round && s.ResidentId == r.Id).Select(s => new { s.TakenAt, s.TubeCode }).FirstOrDefault(),
                Exempt = db.Set<Exemption>().Any(e => e.RoundId == round && e.ResidentId == r.Id),
            })
            .OrderBy(x => x.Name)
            .ToListAsync(cancellationToken);
        return [.. people.Select(p => (p.Id, p.Name,
            p.Sample is not null ? PersonState.Sampled : p.Exempt ? PersonState.Exempt : PersonState.Missing,
            p.Sample?.TakenAt, p.Sample?.TubeCode))];
    }

    private static IQueryable<SampleRecord> Visitors(CordonDb db, Guid round, Guid? compoundId, Guid? buildingId)
    {
        var visitors = db.SampleRecords.Where(s => s.RoundId == round && (s.VisitorId != null || s.OutOfScopeReason != null));
        if (compoundId is { } c)
        {
            visitors = visitors.Where(s => s.CompoundId == c);
        }

        if (buildingId is { } b)
        {
            visitors = visitors.Where(s => s.BuildingId == b);
        }

        return visitors;
    }
}
