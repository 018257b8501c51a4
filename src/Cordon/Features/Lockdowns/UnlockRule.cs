using Cordon.Platform.Data;
using Cordon.Platform.Screening;
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
    /// <summary>The lockdown's sealed buildings as a scope (with their compounds, for the residents' index).</summary>
    public static async Task<BuildingScope> ScopeAsync(CordonDb db, Lockdown lockdown, CancellationToken cancellationToken)
    {
        var id = lockdown.Id;
        var sid = lockdown.SubdistrictId;
        var buildings = await db.Set<LockdownBuilding>().IgnoreQueryFilters().Where(b => b.SubdistrictId == sid && b.LockdownId == id)
            .Select(b => new { b.BuildingId, b.CompoundId }).ToListAsync(cancellationToken);
        return new BuildingScope(sid, [.. buildings.Select(b => b.BuildingId)], [.. buildings.Select(b => b.CompoundId).Distinct()]);
    }

    public static async Task<UnlockFacts> FactsAsync(CordonDb db, IScreening screening, Lockdown lockdown, int cleanRoundHours, CancellationToken cancellationToken) =>
        await FactsAsync(db, screening, lockdown, await ScopeAsync(db, lockdown, cancellationToken), cleanRoundHours, cancellationToken);

    /// <summary>The same, over a scope the caller has already read (the clock reads it once per lockdown and tick).</summary>
    public static async Task<UnlockFacts> FactsAsync(CordonDb db, IScreening screening, Lockdown lockdown, BuildingScope scope, int cleanRoundHours, CancellationToken cancellationToken)
    {
        var found = await screening.FactsAsync(db, scope, lockdown.ReceivedAt, cancellationToken);
        var quietUntil = (found.LastPositiveAt ?? lockdown.ReceivedAt).AddDays(lockdown.PlannedDays);
        return new UnlockFacts(found.LastPositiveAt, quietUntil, found.CleanRoundAt, found.CleanRound, found.LastFullRoundAt, lockdown.InForce, cleanRoundHours);
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
