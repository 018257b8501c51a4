using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Screening;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>The testing feature's answers to <see cref="IScreening"/>: series through <see cref="Roster"/>, facts from tubes and samples.</summary>
internal sealed class Screening : IScreening
{
    /// <summary>Rounds looked at for a full-coverage one: the newest few begun since the moment less a day.</summary>
    private const int RoundsLooked = 8;

    public async Task<(Guid? SeriesId, Error? Error)> PlanSeriesAsync(
        CordonDb db, Caller caller, string name, IReadOnlyList<Guid> buildingIds, int? poolSize, DateTime now, CancellationToken cancellationToken)
    {
        var series = Guid.CreateVersion7();
        var stem = name.Length <= 52 ? name : name[..51] + "…";
        for (var i = 0; i < 2; i++)
        {
            var starts = now.AddHours(24 * i);
            var (_, error) = await Roster.CreateAsync(db, caller, new RoundRequest(
                $"{stem} · 第{i + 1}轮", null, null, [.. buildingIds], poolSize ?? 10, starts, starts.AddHours(24), RoundRule.TwoWithin48Hours, series), now, cancellationToken);
            if (error is not null)
            {
                return (null, error);
            }
        }

        return (series, null);
    }

    public async Task<Dictionary<Guid, DateTime>> SeriesOpenedAsync(CordonDb db, IReadOnlyCollection<Guid> seriesIds, CancellationToken cancellationToken)
    {
        var ids = seriesIds.ToList();
        return (await db.TestingRounds.IgnoreQueryFilters().Where(r => r.SeriesId != null && ids.Contains(r.SeriesId.Value) && r.OpenedAt != null)
                .GroupBy(r => r.SeriesId!.Value).Select(g => new { g.Key, Opened = g.Min(r => r.OpenedAt!.Value) }).ToListAsync(cancellationToken))
            .ToDictionary(x => x.Key, x => x.Opened);
    }

    public async Task<ScreeningFacts> FactsAsync(CordonDb db, BuildingScope scope, DateTime since, CancellationToken cancellationToken)
    {
        var sid = scope.SubdistrictId;
        var buildings = scope.BuildingIds.ToList();
        var compounds = scope.CompoundIds.ToList();

        // A new positive: a pool or single tube of a sample from these buildings turned positive after the moment, or a person of them.
        var tubes = await db.Tubes.IgnoreQueryFilters()
            .Where(t => t.SubdistrictId == sid && t.Result == TubeResult.Positive && t.ResultAt > since
                && db.Set<SampleRecord>().IgnoreQueryFilters().Any(s => s.TubeId == t.Id && s.BuildingId != null && buildings.Contains(s.BuildingId.Value)))
            .MaxAsync(t => t.ResultAt, cancellationToken);
        var cases = await db.PositiveCases.IgnoreQueryFilters()
            .Where(c => c.SubdistrictId == sid && c.DetectedAt > since
                && db.Residents.IgnoreQueryFilters().Any(r => r.Id == c.ResidentId && compounds.Contains(r.CompoundId) && buildings.Contains(r.BuildingId)))
            .Select(c => (DateTime?)c.DetectedAt).MaxAsync(cancellationToken);
        var lastPositive = new[] { tubes, cases }.Max();

        var rounds = await db.TestingRounds.IgnoreQueryFilters()
            .Where(r => r.SubdistrictId == sid && r.Status != RoundStatus.Planned && r.StartsAt >= since.AddDays(-1))
            .OrderByDescending(r => r.StartsAt).Take(RoundsLooked).Select(r => new { r.Id, r.Name }).ToListAsync(cancellationToken);
        var living = Living(db, scope);
        DateTime? lastFull = null;
        foreach (var round in rounds)
        {
            var roundId = round.Id;
            var samples = db.Set<SampleRecord>().IgnoreQueryFilters().Where(s => s.RoundId == roundId && s.BuildingId != null && buildings.Contains(s.BuildingId.Value));
            var takenAt = await samples.MaxAsync(s => (DateTime?)s.TakenAt, cancellationToken);
            if (takenAt is null || takenAt < (lastPositive ?? DateTime.MinValue)
                || await living.AnyAsync(r => !db.Set<SampleRecord>().IgnoreQueryFilters().Any(s => s.RoundId == roundId && s.ResidentId == r.Id)
                    && !db.Set<Exemption>().IgnoreQueryFilters().Any(e => e.RoundId == roundId && e.ResidentId == r.Id), cancellationToken))
            {
                continue;
            }

            lastFull ??= takenAt;
            var unclean = await db.Tubes.IgnoreQueryFilters()
                .AnyAsync(t => t.RoundId == roundId && t.Result != TubeResult.Negative && samples.Any(s => s.TubeId == t.Id), cancellationToken);
            if (!unclean)
            {
                return new ScreeningFacts(lastPositive, takenAt, round.Name, lastFull);
            }
        }

        return new ScreeningFacts(lastPositive, null, null, lastFull);
    }

    public async Task<ScreeningProgress?> ProgressAsync(CordonDb db, BuildingScope scope, Guid seriesId, CancellationToken cancellationToken)
    {
        var round = await db.TestingRounds.IgnoreQueryFilters().Where(r => r.SeriesId == seriesId && r.OpenedAt != null)
            .OrderByDescending(r => r.OpenedAt).Select(r => new { r.Id, r.Name }).FirstOrDefaultAsync(cancellationToken);
        if (round is null)
        {
            return null;
        }

        var living = Living(db, scope);
        var done = await living.CountAsync(
            r => db.Set<SampleRecord>().IgnoreQueryFilters().Any(s => s.RoundId == round.Id && s.ResidentId == r.Id)
                || db.Set<Exemption>().IgnoreQueryFilters().Any(e => e.RoundId == round.Id && e.ResidentId == r.Id), cancellationToken);
        return new ScreeningProgress(round.Name, done, await living.CountAsync(cancellationToken));
    }

    public async Task<SeriesSummary?> SummaryAsync(CordonDb db, Guid seriesId, CancellationToken cancellationToken)
    {
        var round = await db.TestingRounds.AsNoTracking().Where(r => r.SeriesId == seriesId).OrderBy(r => r.StartsAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        var status = round is null ? null : await Series.StatusAsync(db, seriesId, cancellationToken);
        return status is null ? null : new SeriesSummary(round!.Value, status.Done, status.Once, status.None, status.Deadline);
    }

    /// <summary>Residents living in the scope's buildings, through the (sub-district, compound, building) index.</summary>
    private static IQueryable<Resident> Living(CordonDb db, BuildingScope scope)
    {
        var sid = scope.SubdistrictId;
        var buildings = scope.BuildingIds.ToList();
        var compounds = scope.CompoundIds.ToList();
        return db.Residents.IgnoreQueryFilters()
            .Where(r => r.SubdistrictId == sid && compounds.Contains(r.CompoundId) && buildings.Contains(r.BuildingId) && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant));
    }
}
