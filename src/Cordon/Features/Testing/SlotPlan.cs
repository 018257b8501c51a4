using Cordon.Platform.Data;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>A building still to come down: <see cref="Headcount"/> people of it are missing in the round.</summary>
public sealed record PlanBuilding(Guid Id, string Number, int SortKey, int Headcount, string Compound = "");

/// <summary>A sampling point and the samples an hour it takes.</summary>
public sealed record PlanPoint(Guid Id, string Name, double RatePerHour);

/// <summary>When one building's residents come down, and to which point; times are UTC, on five-minute marks.</summary>
public sealed record PlanSlot(PlanBuilding Building, PlanPoint Point, DateTime Start, DateTime End)
{
    public int Headcount => Building.Headcount;
}

/// <summary>What one point is given: buildings, people and when it should be done.</summary>
public sealed record PointLoad(PlanPoint Point, int Buildings, int Headcount, DateTime FinishesAt);

/// <summary>A building-by-building timetable, in building order.</summary>
public sealed record SlotTimetable(DateTime StartsAt, IReadOnlyList<PlanSlot> Slots, IReadOnlyList<PointLoad> Points)
{
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
    /// Greedy list scheduling: buildings in number order, each to the point that becomes free first
    /// (ties to the earlier point), for headcount ÷ rate. The schedule itself is exact; only the
    /// slots shown are rounded (start down, end up), so rounding never accumulates, and two
    /// neighbours at one point may share at most five minutes. Buildings with nobody missing get no slot.
    /// </summary>
    public static SlotTimetable Compute(IEnumerable<PlanBuilding> buildings, IEnumerable<PlanPoint> points, DateTime start)
    {
        var pointList = points.ToList();
        if (pointList.FirstOrDefault(p => !(p.RatePerHour > 0) || double.IsInfinity(p.RatePerHour)) is { } bad)
        {
            throw new ArgumentOutOfRangeException(nameof(points), bad.RatePerHour, $"Point '{bad.Name}' needs a positive rate.");
        }

        var free = pointList.Select(_ => start).ToArray();
        var buildingCount = new int[pointList.Count];
        var headcount = new int[pointList.Count];
        var slots = new List<PlanSlot>();
        if (pointList.Count > 0)
        {
            var ordered = buildings.Where(b => b.Headcount > 0)
                .OrderBy(b => b.Compound, StringComparer.Ordinal).ThenBy(b => b.SortKey).ThenBy(b => b.Number, StringComparer.Ordinal);
            foreach (var building in ordered)
            {
                var i = Earliest(free);
                var point = pointList[i];
                var begins = free[i];
                var ends = begins.AddTicks((long)Math.Ceiling(building.Headcount * TimeSpan.TicksPerHour / point.RatePerHour));
                free[i] = ends;
                buildingCount[i]++;
                headcount[i] += building.Headcount;
                slots.Add(new PlanSlot(building, point, Floor(begins), Ceiling(ends)));
            }
        }

        var loads = pointList.Select((p, i) => new PointLoad(p, buildingCount[i], headcount[i], buildingCount[i] == 0 ? Floor(start) : Ceiling(free[i]))).ToList();
        return new SlotTimetable(Floor(start), slots, loads);
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
        var timetable = Compute(buildings, points.Select(p => new PlanPoint(p.Id, p.Name, rates[p.Id].Rate)), start);
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
        var missing = new List<(Guid Building, string Number, string Compound, int Missing)>();
        foreach (var compound in (await Coverage.GroupsAsync(db, scope, null, cancellationToken)).Where(c => c.Counts.Missing > 0))
        {
            var buildings = await Coverage.GroupsAsync(db, scope, compound.Id, cancellationToken);
            missing.AddRange(buildings.Where(b => b.Counts.Missing > 0).Select(b => (b.Id, b.Name, compound.Name, b.Counts.Missing)));
        }

        var ids = missing.Select(m => m.Building).ToList();
        var sortKeys = await db.Buildings.Where(b => ids.Contains(b.Id)).ToDictionaryAsync(b => b.Id, b => b.SortKey, cancellationToken);

        // One compound needs no compound name in front of each building; several do.
        var several = missing.Select(m => m.Compound).Distinct().Count() > 1;
        return [.. missing.Select(m => new PlanBuilding(m.Building, m.Number, sortKeys.GetValueOrDefault(m.Building, int.MaxValue), m.Missing, several ? m.Compound : ""))];
    }

    private static int Earliest(DateTime[] free)
    {
        var best = 0;
        for (var i = 1; i < free.Length; i++)
        {
            if (free[i] < free[best])
            {
                best = i;
            }
        }

        return best;
    }
}
