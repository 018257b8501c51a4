using Cordon.Platform.Care;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Sweeps;

/// <summary>What sweeps tell the care register: 缺药 found at a door, and a team that spoke with the people there.</summary>
internal sealed class SweepCareSignals : ICareSignals
{
    public async Task<IReadOnlyList<FoundNeed>> NeedsAsync(CordonDb db, IReadOnlyCollection<Guid> flatIds, DateTime since, CancellationToken cancellationToken) =>
        [.. (await db.Set<SweepVisit>().AsNoTracking().Where(v => v.NeedsMedicine && v.VisitedAt >= since && flatIds.Contains(v.FlatId))
            .GroupBy(v => v.FlatId).Select(g => new { g.Key, At = g.Max(v => v.VisitedAt) }).ToListAsync(cancellationToken))
            .Select(x => new FoundNeed(x.Key, "medicine", x.At, "sweep"))];

    public async Task<IReadOnlyDictionary<Guid, DateTime>> ContactsAsync(CordonDb db, IReadOnlyCollection<Guid> flatIds, DateTime since, CancellationToken cancellationToken) =>
        await db.Set<SweepVisit>().AsNoTracking().Where(v => v.Outcome == VisitOutcome.Answered && v.VisitedAt >= since && flatIds.Contains(v.FlatId))
            .GroupBy(v => v.FlatId).Select(g => new { g.Key, At = g.Max(v => v.VisitedAt) }).ToDictionaryAsync(x => x.Key, x => x.At, cancellationToken);
}
