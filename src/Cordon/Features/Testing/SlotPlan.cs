using Cordon.Platform.Data;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>A building still to come down: <see cref="Headcount"/> people of it are missing in the round.</summary>
public sealed record PlanBuilding(Guid Id, string Number, int SortKey, int Headcount, string Compound = "", Guid? CompoundId = null);

/// <summary>
/// A sampling point, the compound it stands in (null: it serves any), how many samplers stand there, and the samples an
/// hour it takes (the samplers' planned rate until the round measures its own).
/// </summary>
public sealed record PlanPoint(Guid Id, string Name, double RatePerHour, Guid? CompoundId = null, int Samplers = 1);

public enum PlanWarningKind
{
    /// <summary>A point with nobody planned to stand at it: it is given no building.</summary>
    NoSampler,

    /// <summary>A compound with no point of its own: its buildings are sent to the nearest one that has samplers.</summary>
    NoPointInCompound,

    /// <summary>The plan finishes after the round ends.</summary>
    EndsAfterRound,

    /// <summary>No point can take anybody: no timetable.</summary>
    NoPoints,
}

/// <summary>Something the planner must see before printing the notices.</summary>
public sealed record PlanWarning(PlanWarningKind Kind, string? Subject = null, DateTime? At = null);

/// <summary>When one building's residents come down, and to which point; times are UTC, on five-minute marks.</summary>
public sealed record PlanSlot(PlanBuilding Building, PlanPoint Point, DateTime Start, DateTime End)
{
    public int Headcount => Building.Headcount;
}

/// <summary>What one point is given: buildings, people and when it should be done.</summary>
public sealed record PointLoad(PlanPoint Point, int Buildings, int Headcount, DateTime FinishesAt);

/// <summary>A building-by-building timetable, in building order, with what the planner must see.</summary>
public sealed record SlotTimetable(DateTime StartsAt, IReadOnlyList<PlanSlot> Slots, IReadOnlyList<PointLoad> Points)
{
    public IReadOnlyList<PlanWarning> Warnings { get; init; } = [];

    public DateTime FinishesAt => Points.Count == 0 ? StartsAt : Points.Max(p => p.FinishesAt);
}

/// <summary>How fast a point samples: measured from the round once there is enough to measure, planned until then.</summary>
public sealed record PointRate(Guid PointId, int RecentSamples, double? Measured, int Planned)
{
    public bool IsMeasured => Measured is not null;

    public double Rate => Measured ?? Planned;
}

/// <summary>A round's plan as shown and printed: its points with their rates, and the timetable.</summary>
public sealed record RoundPlan(TestingRound Round, IReadOnlyList<SamplingPoint> Points, IReadOnlyDictionary<Guid, PointRate> Rates, SlotTimetable Timetable);

/// <summary>
/// The slot plan (分时段下楼): residents come down building by building, each building at a time and a
/// point, so that nobody queues in a crowd. The plan is never stored: each view recomputes it from who
/// is still missing and how fast each point really samples, so it tightens as the round runs.
/// </summary>
public static class SlotPlan
{
    /// <summary>Samples an hour a point is planned for when the round itself says nothing usable.</summary>
    public const int DefaultRate = 150;

    /// <summary>Fewer samples than this in the window measure nothing yet (a pause, a shift change).</summary>
    public const int MinimumSamples = 20;

    /// <summary>Slot times are rounded to this many minutes, so that a notice reads 14:05–14:30.</summary>
    public const int RoundingMinutes = 5;

    /// <summary>The recent past a point's rate is measured over.</summary>
    public static readonly TimeSpan MeasureWindow = TimeSpan.FromMinutes(30);

    private static readonly long RoundingTicks = TimeSpan.FromMinutes(RoundingMinutes).Ticks;

    /// <summary>
    /// Greedy list scheduling: buildings in compound and number order, each to the point that becomes free first among
    /// the points of its own compound that have samplers (else the shared points, else any point with samplers, with
    /// a warning), for headcount ÷ rate. The schedule itself is exact; a slot is shown rounded out to five minutes
    /// (start down, end up) but never starting before the slot before it at the same point ends, so two buildings are
    /// never told the same minute at one point and rounding never accumulates. Buildings with nobody missing get no
    /// slot; a plan finishing after <paramref name="roundEnds"/> says so.
    /// </summary>
    public static SlotTimetable Compute(IEnumerable<PlanBuilding> buildings, IEnumerable<PlanPoint> points, DateTime start, DateTime? roundEnds = null)
    {
        var pointList = points.ToList();
        if (pointList.FirstOrDefault(p => !(p.RatePerHour > 0) || double.IsInfinity(p.RatePerHour)) is { } bad)
        {
            throw new ArgumentOutOfRangeException(nameof(points), bad.RatePerHour, $"Point '{bad.Name}' needs a positive rate.");
        }

        var warnings = pointList.Where(p => p.Samplers <= 0).Select(p => new PlanWarning(PlanWarningKind.NoSampler, p.Name)).ToList();
        var staffed = pointList.Select((p, i) => (Point: p, Index: i)).Where(x => x.Point.Samplers > 0).ToList();
        var free = pointList.Select(_ => start).ToArray();
        var shownEnd = pointList.Select(_ => DateTime.MinValue).ToArray();
        var buildingCount = new int[pointList.Count];
        var headcount = new int[pointList.Count];
        var slots = new List<PlanSlot>();
        var wanting = buildings.Where(b => b.Headcount > 0)
            .OrderBy(b => b.Compound, StringComparer.Ordinal).ThenBy(b => b.SortKey).ThenBy(b => b.Number, StringComparer.Ordinal).ToList();
        if (staffed.Count == 0 && wanting.Count > 0)
        {
            warnings.Add(new PlanWarning(PlanWarningKind.NoPoints));
        }
        else
        {
            var homeless = new HashSet<string>(StringComparer.Ordinal);
            foreach (var building in wanting)
            {
                var own = staffed.Where(x => x.Point.CompoundId is { } c && c == building.CompoundId).ToList();
                var candidates = own.Count > 0 ? own : staffed.Where(x => x.Point.CompoundId is null).ToList() is { Count: > 0 } shared ? shared : staffed;
                if (own.Count == 0 && building.CompoundId is not null && candidates.Any(x => x.Point.CompoundId is not null) && homeless.Add(building.Compound))
                {
                    warnings.Add(new PlanWarning(PlanWarningKind.NoPointInCompound, building.Compound));
                }

                var i = candidates.MinBy(x => (free[x.Index], x.Index)).Index;
                var point = pointList[i];
                var begins = free[i];
                var ends = begins.AddTicks((long)Math.Ceiling(building.Headcount * TimeSpan.TicksPerHour / point.RatePerHour));
                free[i] = ends;
                buildingCount[i]++;
                headcount[i] += building.Headcount;
                var shownStart = Floor(begins) < shownEnd[i] ? shownEnd[i] : Floor(begins);
                shownEnd[i] = Ceiling(ends) > shownStart ? Ceiling(ends) : shownStart.AddMinutes(RoundingMinutes);
                slots.Add(new PlanSlot(building, point, shownStart, shownEnd[i]));
            }
        }

        var loads = pointList.Select((p, i) => new PointLoad(p, buildingCount[i], headcount[i], buildingCount[i] == 0 ? Floor(start) : shownEnd[i])).ToList();
        var timetable = new SlotTimetable(Floor(start), slots, loads);
        if (roundEnds is { } end && timetable.FinishesAt > end)
        {
            warnings.Add(new PlanWarning(PlanWarningKind.EndsAfterRound, null, timetable.FinishesAt));
        }

        return timetable with { Warnings = warnings };
    }

    /// <summary>Samples an hour: the last <see cref="MeasureWindow"/> scaled to an hour when it holds enough samples, else the plan.</summary>
    public static PointRate Rate(Guid pointId, int recentSamples, int plannedRate)
    {
        var planned = plannedRate > 0 ? plannedRate : DefaultRate;
        double? measured = recentSamples >= MinimumSamples ? recentSamples * (TimeSpan.FromHours(1) / MeasureWindow) : null;
        return new PointRate(pointId, recentSamples, measured, planned);
    }

    public static DateTime Floor(DateTime t) => new(t.Ticks - (t.Ticks % RoundingTicks), t.Kind);

    public static DateTime Ceiling(DateTime t) => t.Ticks % RoundingTicks == 0 ? t : new(t.Ticks - (t.Ticks % RoundingTicks) + RoundingTicks, t.Kind);

    /// <summary>The round's points (oldest first), their rates and the timetable from max(now, round start).</summary>
    public static async Task<RoundPlan> ForRoundAsync(CordonDb db, TestingRound round, DateTime now, CancellationToken cancellationToken)
    {
        var points = await db.SamplingPoints.AsNoTracking().Where(p => p.RoundId == round.Id)
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(cancellationToken);
        var rates = await RatesAsync(db, round, points, now, cancellationToken);
        var buildings = await BuildingsAsync(db, round, cancellationToken);
        var start = now > round.StartsAt ? now : round.StartsAt;
        var samplers = await db.PointSamplers.AsNoTracking().Where(s => points.Select(p => p.Id).Contains(s.PointId))
            .GroupBy(s => s.PointId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var timetable = Compute(
            buildings,
            points.Select(p => new PlanPoint(p.Id, p.Name, rates[p.Id].Rate * (rates[p.Id].IsMeasured ? 1 : Math.Max(1, samplers.GetValueOrDefault(p.Id))), p.CompoundId, samplers.GetValueOrDefault(p.Id))),
            start,
            round.EndsAt);
        return new RoundPlan(round, points, rates, timetable);
    }

    /// <summary>
    /// Samples taken at each point in the last <see cref="MeasureWindow"/>, made into rates. Devices may
    /// run a few minutes ahead (registration accepts that), so the window has no upper bound.
    /// </summary>
    public static async Task<Dictionary<Guid, PointRate>> RatesAsync(
        CordonDb db, TestingRound round, IReadOnlyList<SamplingPoint> points, DateTime now, CancellationToken cancellationToken)
    {
        var since = now - MeasureWindow;
        var counts = await db.SampleRecords
            .Where(s => s.RoundId == round.Id && s.PointId != null && s.TakenAt > since)
            .GroupBy(s => s.PointId)
            .Select(g => new { Point = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return points.ToDictionary(
            p => p.Id,
            p => Rate(p.Id, counts.FirstOrDefault(c => c.Point == p.Id)?.Count ?? 0, round.PlannedRatePerPoint));
    }

    /// <summary>
    /// Every building of the round with people still missing (neither sampled nor exempt), counted the
    /// way coverage counts them; the caller's jurisdiction applies.
    /// </summary>
    public static async Task<List<PlanBuilding>> BuildingsAsync(CordonDb db, TestingRound round, CancellationToken cancellationToken)
    {
        var scope = await Roster.ScopeAsync(db, round, cancellationToken);
        var missing = new List<(Guid Building, string Number, string Compound, Guid CompoundId, int Missing)>();
        foreach (var compound in (await Coverage.GroupsAsync(db, scope, null, cancellationToken)).Where(c => c.Counts.Missing > 0))
        {
            var buildings = await Coverage.GroupsAsync(db, scope, compound.Id, cancellationToken);
            missing.AddRange(buildings.Where(b => b.Counts.Missing > 0).Select(b => (b.Id, b.Name, compound.Name, compound.Id, b.Counts.Missing)));
        }

        var ids = missing.Select(m => m.Building).ToList();
        var sortKeys = await db.Buildings.Where(b => ids.Contains(b.Id)).ToDictionaryAsync(b => b.Id, b => b.SortKey, cancellationToken);

        // One compound needs no compound name in front of each building; several do.
        var several = missing.Select(m => m.Compound).Distinct().Count() > 1;
        return [.. missing.Select(m => new PlanBuilding(m.Building, m.Number, sortKeys.GetValueOrDefault(m.Building, int.MaxValue), m.Missing, several ? m.Compound : "", m.CompoundId))];
    }

}
