using System.Text.Json;
using Cordon.Platform.Data;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Sweeps;

public sealed record TeamProgress(int No, int Flats, int Visited, int Answered);

/// <summary>How far a round has come. <c>answered</c>: someone opened; <c>resolved</c>: answered or found vacant.</summary>
public sealed record SweepProgress(int Flats, int Visited, int Answered, IReadOnlyList<Guid> Unvisited, int Resolved, IReadOnlyList<TeamProgress> Teams);

/// <summary>
/// One round in the comparison. The 14-day figures are the seed's question: who lived here in the last 14 days and
/// is away and not back, who arrived within 14 days, who visited within 14 days.
/// </summary>
public sealed record RoundSummary(
    Guid SweepId, int Round, string Label, DateTime CreatedAt, int Flats, int Visited, int Answered, int Resolved, int Occupants,
    int AwayWithin14Days, int ArrivedWithin14Days, int Visitors, IReadOnlyList<TeamProgress> Teams);

/// <summary>A flat across the rounds: each round's last outcome (null: not visited) and occupants counted.</summary>
public sealed record FlatRounds(Guid FlatId, string Address, IReadOnlyList<string?> Outcomes, IReadOnlyList<int?> Occupants);

public sealed record RoundComparison(IReadOnlyList<RoundSummary> Rounds, IReadOnlyList<FlatRounds> Changed, IReadOnlyList<FlatRounds> NeverAnswered, bool Truncated);

/// <summary>
/// A sweep's rounds as one series (the same lockdown, or the same compounds without one): progress of a round,
/// what the last round left open (the next round's packets start with it) and the three rounds compared.
/// </summary>
public sealed class SweepRounds(CordonDb db, LocalTime time)
{
    public const int MaxListed = 500;

    public sealed record FlatSlot(Guid FlatId, int Team, Guid BuildingId, int Entrance, int Floor, string Room);

    public sealed record VisitRow(Guid FlatId, VisitOutcome Outcome, int? Occupants, string Presence, int NewPeople, string Visitors, DateTime VisitedAt, int Team);

    /// <summary>The rounds of the sweep's series, oldest first, up to and including this one.</summary>
    public Task<List<Sweep>> SeriesAsync(Sweep sweep, CancellationToken cancellationToken) =>
        db.Set<Sweep>().AsNoTracking()
            .Where(s => s.SubdistrictId == sweep.SubdistrictId && s.Round <= sweep.Round
                && (sweep.LockdownId != null ? s.LockdownId == sweep.LockdownId : s.LockdownId == null && s.Scope == sweep.Scope))
            .OrderBy(s => s.Round).ThenBy(s => s.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>The flats of a sweep (in the caller's jurisdiction) with the team that has each.</summary>
    public Task<List<FlatSlot>> FlatsAsync(Guid sweepId, int? team, CancellationToken cancellationToken) =>
        db.Flats.AsNoTracking()
            .Join(db.Set<SweepEntrance>().Where(e => e.SweepId == sweepId && (team == null || e.Team == team)),
                f => new { f.BuildingId, f.Entrance }, e => new { e.BuildingId, e.Entrance }, (f, e) => new FlatSlot(f.Id, e.Team, f.BuildingId, f.Entrance, f.Floor, f.Room))
            .ToListAsync(cancellationToken);

    public async Task<ILookup<Guid, VisitRow>> VisitsAsync(Guid sweepId, CancellationToken cancellationToken) =>
        (await db.Set<SweepVisit>().AsNoTracking().Where(v => v.SweepId == sweepId)
            .Select(v => new VisitRow(v.FlatId, v.Outcome, v.Occupants, v.Presence, v.NewPeople, v.Visitors, v.VisitedAt, v.Team)).ToListAsync(cancellationToken))
        .OrderBy(v => v.VisitedAt).ToLookup(v => v.FlatId);

    /// <summary>Answered or vacant at any visit of the round: the flat needs no more knocking.</summary>
    public static bool Resolved(IEnumerable<VisitRow> visits) => visits.Any(v => v.Outcome is VisitOutcome.Answered or VisitOutcome.Vacant);

    public async Task<SweepProgress> ProgressAsync(Sweep sweep, CancellationToken cancellationToken)
    {
        var flats = await FlatsAsync(sweep.Id, null, cancellationToken);
        var visits = await VisitsAsync(sweep.Id, cancellationToken);
        return Progress(flats, visits, sweep.Teams);
    }

    private static SweepProgress Progress(List<FlatSlot> flats, ILookup<Guid, VisitRow> visits, int teamCount)
    {
        bool Answered(Guid id) => visits[id].Any(v => v.Outcome == VisitOutcome.Answered);
        var teams = Enumerable.Range(1, teamCount).Select(no =>
        {
            var mine = flats.Where(f => f.Team == no).ToList();
            return new TeamProgress(no, mine.Count, mine.Count(f => visits.Contains(f.FlatId)), mine.Count(f => Answered(f.FlatId)));
        }).ToList();
        return new SweepProgress(flats.Count, flats.Count(f => visits.Contains(f.FlatId)), flats.Count(f => Answered(f.FlatId)),
            [.. flats.Where(f => !visits.Contains(f.FlatId)).OrderBy(f => f.Team).Select(f => f.FlatId)], flats.Count(f => Resolved(visits[f.FlatId])), teams);
    }

    /// <summary>
    /// The flats of a team's packet that the previous round of the series left unresolved: not visited, nobody home,
    /// or refused (the last outcome is the reason). Round 1 carries nothing over.
    /// </summary>
    public async Task<List<(FlatSlot Flat, string Reason, int Round)>> CarryOverAsync(Sweep sweep, IReadOnlyList<FlatSlot> flats, CancellationToken cancellationToken)
    {
        var previous = (await SeriesAsync(sweep, cancellationToken)).LastOrDefault(s => s.Round < sweep.Round);
        if (previous is null)
        {
            return [];
        }

        // Only this packet's flats: sixteen packets of one order read the previous round once between them.
        var flatIds = flats.Select(f => f.FlatId).ToList();
        var buildingIds = flats.Select(f => f.BuildingId).Distinct().ToList();
        var visits = (await db.Set<SweepVisit>().AsNoTracking().Where(v => v.SweepId == previous.Id && flatIds.Contains(v.FlatId))
            .Select(v => new VisitRow(v.FlatId, v.Outcome, v.Occupants, "", 0, "", v.VisitedAt, v.Team)).ToListAsync(cancellationToken))
            .OrderBy(v => v.VisitedAt).ToLookup(v => v.FlatId);
        var covered = (await db.Set<SweepEntrance>().AsNoTracking().Where(e => e.SweepId == previous.Id && buildingIds.Contains(e.BuildingId))
            .Select(e => new { e.BuildingId, e.Entrance }).ToListAsync(cancellationToken)).Select(e => (e.BuildingId, e.Entrance)).ToHashSet();
        return [.. flats.Where(f => covered.Contains((f.BuildingId, f.Entrance)) && !Resolved(visits[f.FlatId]))
            .Select(f => (f, visits[f.FlatId].LastOrDefault() is { } last ? VisitDesk.Code(last.Outcome) : "unvisited", previous.Round))];
    }

    /// <summary>Every round of the series side by side; flats whose answers changed; flats never answered (nor found vacant) after three rounds or more.</summary>
    public async Task<RoundComparison> CompareAsync(Sweep sweep, CancellationToken cancellationToken)
    {
        var series = await SeriesAsync(sweep, cancellationToken);
        var rounds = new List<RoundSummary>();
        var perRound = new List<ILookup<Guid, VisitRow>>();
        var allFlats = new Dictionary<Guid, FlatSlot>();
        foreach (var round in series)
        {
            var flats = await FlatsAsync(round.Id, null, cancellationToken);
            var visits = await VisitsAsync(round.Id, cancellationToken);
            perRound.Add(visits);
            foreach (var f in flats)
            {
                allFlats.TryAdd(f.FlatId, f);
            }

            var progress = Progress(flats, visits, round.Teams);
            var day = DateOnly.FromDateTime(time.ToLocal(round.CreatedAt));
            var last = flats.Select(f => visits[f.FlatId].LastOrDefault(v => v.Outcome == VisitOutcome.Answered)).OfType<VisitRow>().ToList();
            var presence = last.SelectMany(v => JsonSerializer.Deserialize<List<VisitDesk.StoredPresence>>(v.Presence, CordonDb.AuditJson) ?? []).ToList();
            var visitors = last.SelectMany(v => JsonSerializer.Deserialize<List<VisitorItem>>(v.Visitors, CordonDb.AuditJson) ?? []).ToList();
            rounds.Add(new RoundSummary(round.Id, round.Round, round.Label, round.CreatedAt, progress.Flats, progress.Visited, progress.Answered, progress.Resolved,
                last.Sum(v => v.Occupants ?? 0),
                presence.Count(p => p.Presence == "away" && (p.Since is null || p.Since >= day.AddDays(-14))),
                await ArrivalsAsync(round.Id, day.AddDays(-14), cancellationToken),
                visitors.Count(v => v.Since is null || v.Since >= day.AddDays(-14)),
                progress.Teams));
        }

        var addresses = await AddressesAsync([.. allFlats.Keys], cancellationToken);
        FlatRounds Row(Guid id) => new(id, addresses.GetValueOrDefault(id, "—"),
            [.. perRound.Select(v => v[id].LastOrDefault() is { } last ? VisitDesk.Code(last.Outcome) : null)],
            [.. perRound.Select(v => v[id].LastOrDefault(x => x.Outcome == VisitOutcome.Answered)?.Occupants)]);
        var ordered = allFlats.Values.OrderBy(f => addresses.GetValueOrDefault(f.FlatId, ""), StringComparer.Ordinal).Select(f => f.FlatId).ToList();
        var changed = ordered.Where(id =>
        {
            var counts = perRound.Select(v => v[id].LastOrDefault(x => x.Outcome == VisitOutcome.Answered)).OfType<VisitRow>().ToList();
            return counts.Select(c => c.Occupants).Distinct().Count() > 1 || counts.Select(c => Normalized(c.Presence)).Distinct().Count() > 1;
        }).ToList();
        var never = series.Count < 3 ? [] : ordered.Where(id => perRound.All(v => !Resolved(v[id]))).ToList();
        return new RoundComparison(rounds, [.. changed.Take(MaxListed).Select(Row)], [.. never.Take(MaxListed).Select(Row)], changed.Count > MaxListed || never.Count > MaxListed);
    }

    public Task<Dictionary<Guid, string>> AddressesAsync(List<Guid> flatIds, CancellationToken cancellationToken) => db.FlatAddressesAsync(flatIds, cancellationToken);

    /// <summary>People found at doors who arrived within 14 days (their proposals carry the date).</summary>
    private Task<int> ArrivalsAsync(Guid sweepId, DateOnly from, CancellationToken cancellationToken) =>
        db.Set<Platform.People.LedgerProposal>().AsNoTracking()
            .CountAsync(p => p.Kind == Platform.People.ProposalKind.AddResident && p.Source == "sweep" && (p.Since == null || p.Since >= from)
                && db.Set<SweepVisit>().Any(v => v.Id == p.SourceId && v.SweepId == sweepId), cancellationToken);

    /// <summary>Presence without the dates, in resident order: "the same people, found the same way".</summary>
    private static string Normalized(string presence) =>
        string.Join(',', (JsonSerializer.Deserialize<List<VisitDesk.StoredPresence>>(presence, CordonDb.AuditJson) ?? [])
            .OrderBy(p => p.ResidentId).Select(p => p.ResidentId.ToString("N")[..8] + p.Presence));
}
