using Cordon.Features.Testing;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>One reason a lockdown may not be unlocked yet: a stable code and what a person reads.</summary>
public sealed record Blocker(string Code, string Message);

/// <summary>The rule's answer: eligible now or not, the earliest time it can be, and why not.</summary>
public sealed record UnlockView(bool Eligible, DateTime? EarliestAt, IReadOnlyList<Blocker> Blockers);

/// <summary>What the rule found, before it is put into words.</summary>
public sealed record UnlockFacts(DateTime? LastPositiveAt, DateTime QuietUntil, DateTime? CleanRoundAt, string? CleanRound, DateTime? LastFullRoundAt, bool InForce, int CleanRoundHours)
{
    public bool Eligible(DateTime now) => InForce && now >= QuietUntil && CleanRoundAt is { } clean && now - clean <= TimeSpan.FromHours(CleanRoundHours);

    public IReadOnlyList<string> BlockerCodes(DateTime now)
    {
        var codes = new List<string>();
        if (!InForce)
        {
            codes.Add("not_in_force");
        }

        if (now < QuietUntil)
        {
            codes.Add(LastPositiveAt is null ? "quiet_period" : "new_positive");
        }

        if (CleanRoundAt is not { } clean || now - clean > TimeSpan.FromHours(CleanRoundHours))
        {
            codes.Add("no_clean_round");
        }

        return codes;
    }
}

/// <summary>
/// The unlock rule (解封条件), computed and never typed: the planned days have passed since T0 — or since the last new
/// positive in the sealed buildings, which restarts the count — and the last full-coverage round of the sealed
/// buildings was all negative within the plan's window (48 hours by default). It reads the whole sealed scope
/// whoever asks (the answer is the same for everyone), and nothing personal.
/// </summary>
public static class UnlockRule
{
    /// <summary>Rounds looked at for a clean one: the newest few that began after T0 less a day.</summary>
    private const int RoundsLooked = 8;

    public static async Task<UnlockFacts> FactsAsync(CordonDb db, Lockdown lockdown, int cleanRoundHours, CancellationToken cancellationToken)
    {
        var sid = lockdown.SubdistrictId;
        var id = lockdown.Id;
        var sealedBuildings = await db.Set<LockdownBuilding>().IgnoreQueryFilters().Where(b => b.SubdistrictId == sid && b.LockdownId == id)
            .Select(b => new { b.BuildingId, b.CompoundId }).ToListAsync(cancellationToken);
        var sealedIds = sealedBuildings.Select(b => b.BuildingId).ToList();

        // Residents are indexed by (sub-district, compound, building): the compounds make the building test an index seek.
        var compounds = sealedBuildings.Select(b => b.CompoundId).Distinct().ToList();
        var since = lockdown.ReceivedAt;

        // A new positive: a pool or single tube from a sealed building turned positive after T0, or a person of one.
        var tubes = await db.Set<Tube>().IgnoreQueryFilters()
            .Where(t => t.SubdistrictId == sid && t.Result == TubeResult.Positive && t.ResultAt > since
                && db.Set<SampleRecord>().IgnoreQueryFilters().Any(s => s.TubeId == t.Id && s.BuildingId != null && sealedIds.Contains(s.BuildingId.Value)))
            .MaxAsync(t => t.ResultAt, cancellationToken);
        var cases = await db.Set<PositiveCase>().IgnoreQueryFilters()
            .Where(c => c.SubdistrictId == sid && c.DetectedAt > since
                && db.Residents.IgnoreQueryFilters().Any(r => r.Id == c.ResidentId && compounds.Contains(r.CompoundId) && sealedIds.Contains(r.BuildingId)))
            .Select(c => (DateTime?)c.DetectedAt).MaxAsync(cancellationToken);
        var lastPositive = new[] { tubes, cases }.Max();
        var quietUntil = (lastPositive ?? since).AddDays(lockdown.PlannedDays);

        var rounds = await db.Set<TestingRound>().IgnoreQueryFilters()
            .Where(r => r.SubdistrictId == sid && r.Status != RoundStatus.Planned && r.StartsAt >= since.AddDays(-1))
            .OrderByDescending(r => r.StartsAt).Take(RoundsLooked).Select(r => new { r.Id, r.Name }).ToListAsync(cancellationToken);
        var living = db.Residents.IgnoreQueryFilters()
            .Where(r => r.SubdistrictId == sid && compounds.Contains(r.CompoundId) && sealedIds.Contains(r.BuildingId) && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant));
        DateTime? lastFull = null;
        foreach (var round in rounds)
        {
            var roundId = round.Id;
            var samples = db.Set<SampleRecord>().IgnoreQueryFilters().Where(s => s.RoundId == roundId && s.BuildingId != null && sealedIds.Contains(s.BuildingId.Value));
            var takenAt = await samples.MaxAsync(s => (DateTime?)s.TakenAt, cancellationToken);
            if (takenAt is null || takenAt < (lastPositive ?? DateTime.MinValue)
                || await living.AnyAsync(r => !db.Set<SampleRecord>().IgnoreQueryFilters().Any(s => s.RoundId == roundId && s.ResidentId == r.Id)
                    && !db.Set<Exemption>().IgnoreQueryFilters().Any(e => e.RoundId == roundId && e.ResidentId == r.Id), cancellationToken))
            {
                continue;
            }

            lastFull ??= takenAt;
            var unclean = await db.Set<Tube>().IgnoreQueryFilters()
                .AnyAsync(t => t.RoundId == roundId && t.Result != TubeResult.Negative && samples.Any(s => s.TubeId == t.Id), cancellationToken);
            if (!unclean)
            {
                return new UnlockFacts(lastPositive, quietUntil, takenAt, round.Name, lastFull, lockdown.InForce, cleanRoundHours);
            }
        }

        return new UnlockFacts(lastPositive, quietUntil, null, null, lastFull, lockdown.InForce, cleanRoundHours);
    }

    /// <summary>Stores the answer on the lockdown for the board; true when a new positive moved the earliest unlock.</summary>
    public static bool Remember(Lockdown lockdown, UnlockFacts facts, DateTime now)
    {
        var restarted = facts.LastPositiveAt is { } positive && (lockdown.LastPositiveAt is null || positive > lockdown.LastPositiveAt);
        lockdown.LastPositiveAt = facts.LastPositiveAt;
        lockdown.EarliestUnlockAt = facts.InForce ? facts.QuietUntil : null;
        lockdown.UnlockEligible = facts.Eligible(now);
        lockdown.Blockers = string.Join(',', facts.BlockerCodes(now));
        return restarted;
    }
}
