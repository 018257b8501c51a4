using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>A member of a positive pool (a class with setters so EF can compose further queries on it).</summary>
public sealed class RecallMember
{
    public Guid ResidentId { get; init; }

    public string TubeCode { get; init; } = "";

    public DateTime? ResultAt { get; init; }
}

/// <summary>
/// 复核: a positive pooled tube calls back every person in it for a single-tube retest at home.
/// Until a negative single tube clears them, they are sampled only in single tubes (<see cref="SingleTube"/>).
/// </summary>
public static class Recalls
{
    public static IQueryable<RecallMember> Members(CordonDb db, Guid roundId) => db.SampleRecords
        .Where(r => r.RoundId == roundId && r.ResidentId != null)
        .Join(db.Tubes.Where(t => t.Result == TubeResult.Positive && t.Capacity > 1), r => r.TubeId, t => t.Id, (r, t) => new RecallMember
        {
            ResidentId = r.ResidentId!.Value,
            TubeCode = t.Code,
            ResultAt = t.ResultAt,
        });

    /// <summary>The recall round of a round, made when its first positive pool is reported.</summary>
    public static async Task<TestingRound> EnsureRecallRoundAsync(CordonDb db, TestingRound round, DateTime now, CancellationToken cancellationToken)
    {
        var recall = await db.TestingRounds.SingleOrDefaultAsync(r => r.RecallOf == round.Id, cancellationToken);
        if (recall is not null)
        {
            return recall;
        }

        recall = new TestingRound
        {
            SubdistrictId = round.SubdistrictId,
            Name = round.Name.Length > 58 ? round.Name[..58] + " 复核" : round.Name + " 复核",
            PoolSize = 1,
            StartsAt = now,
            EndsAt = now.AddDays(2),
            Rule = RoundRule.Routine,
            Status = RoundStatus.Open,
            OpenedAt = now,
            CreatedAt = now,
            RecallOf = round.Id,
        };
        db.TestingRounds.Add(recall);
        return recall;
    }
}
