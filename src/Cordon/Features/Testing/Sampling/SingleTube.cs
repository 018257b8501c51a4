using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// 单采: who must be sampled alone. One rule for the writer, the device's roster and every page: a person found
/// positive, or a member of a positive pool not cleared since by a negative single tube. In a round of single
/// tubes everyone is. The roster says "single tube" and never why.
/// </summary>
public static class SingleTube
{
    /// <summary>The residents (of <paramref name="among"/>, or all of the caller's) who must be sampled alone.</summary>
    public static async Task<HashSet<Guid>> RequiredAsync(CordonDb db, IQueryable<Guid>? among, CancellationToken cancellationToken)
    {
        var cases = db.PositiveCases.AsNoTracking().Select(c => c.ResidentId);
        var records = db.SampleRecords.AsNoTracking().Where(r => r.ResidentId != null);
        if (among is not null)
        {
            cases = cases.Where(id => among.Contains(id));
            records = records.Where(r => among.Contains(r.ResidentId!.Value));
        }

        var required = (await cases.ToListAsync(cancellationToken)).ToHashSet();
        var pools = await records
            .Join(db.Tubes.Where(t => t.Result == TubeResult.Positive && t.Capacity > 1), r => r.TubeId, t => t.Id, (r, _) => new { r.ResidentId, r.TakenAt })
            .ToListAsync(cancellationToken);
        if (pools.Count == 0)
        {
            return required;
        }

        var cleared = (await records
                .Join(db.Tubes.Where(t => t.Result == TubeResult.Negative && t.Capacity == 1), r => r.TubeId, t => t.Id, (r, _) => new { r.ResidentId, r.TakenAt })
                .ToListAsync(cancellationToken))
            .GroupBy(c => c.ResidentId!.Value).ToDictionary(g => g.Key, g => g.Max(c => c.TakenAt));
        foreach (var pool in pools.GroupBy(p => p.ResidentId!.Value))
        {
            if (!cleared.TryGetValue(pool.Key, out var at) || at <= pool.Max(p => p.TakenAt))
            {
                required.Add(pool.Key);
            }
        }

        return required;
    }
}
