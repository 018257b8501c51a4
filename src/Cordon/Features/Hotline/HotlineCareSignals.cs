using Cordon.Platform.Care;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Hotline;

/// <summary>What the hotline tells the care register: open calls about medicine or a doctor, and calls and callbacks with a flat.</summary>
internal sealed class HotlineCareSignals : ICareSignals
{
    public async Task<IReadOnlyList<FoundNeed>> NeedsAsync(CordonDb db, IReadOnlyCollection<Guid> flatIds, DateTime since, CancellationToken cancellationToken) =>
        [.. (await db.Set<HotlineRequest>().AsNoTracking()
            .Where(r => r.State == RequestState.Open && (r.Category == RequestCategory.Medicine || r.Category == RequestCategory.Medical) && r.FlatId != null && flatIds.Contains(r.FlatId.Value))
            .Select(r => new { FlatId = r.FlatId!.Value, r.Category, r.ReceivedAt }).ToListAsync(cancellationToken))
            .Select(r => new FoundNeed(r.FlatId, HotlineDesk.Code(r.Category), r.ReceivedAt, "hotline"))];

    public async Task<IReadOnlyDictionary<Guid, DateTime>> ContactsAsync(CordonDb db, IReadOnlyCollection<Guid> flatIds, DateTime since, CancellationToken cancellationToken)
    {
        var calls = await db.Set<HotlineRequest>().AsNoTracking().Where(r => r.FlatId != null && flatIds.Contains(r.FlatId.Value) && r.ReceivedAt >= since)
            .GroupBy(r => r.FlatId!.Value).Select(g => new { g.Key, At = g.Max(r => r.ReceivedAt) }).ToListAsync(cancellationToken);
        var callbacks = await db.Set<HotlineRequest>().AsNoTracking().Where(r => r.FlatId != null && flatIds.Contains(r.FlatId.Value))
            .Join(db.Set<RequestEvent>().Where(e => e.Kind == "callback" && e.Outcome != "no_answer" && e.At >= since), r => r.Id, e => e.RequestId, (r, e) => new { FlatId = r.FlatId!.Value, e.At })
            .GroupBy(x => x.FlatId).Select(g => new { g.Key, At = g.Max(x => x.At) }).ToListAsync(cancellationToken);
        return calls.Concat(callbacks).GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.Max(x => x.At));
    }
}
