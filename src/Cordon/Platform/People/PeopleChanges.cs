using System.Collections.Concurrent;

namespace Cordon.Platform.People;

/// <summary>
/// Residents changed on this node since a reader last asked (a status set to moved out, a name corrected), so that
/// caches of people (the sample writer's) refresh just those instead of serving yesterday's ledger. Written by
/// <c>CordonDb</c> after every save that touched residents; read by whoever keeps such a cache.
/// </summary>
public sealed class PeopleChanges
{
    private readonly ConcurrentDictionary<Guid, ConcurrentQueue<Guid>> _changed = new();

    public void Changed(Guid subdistrictId, IEnumerable<Guid> residentIds)
    {
        var queue = _changed.GetOrAdd(subdistrictId, _ => new ConcurrentQueue<Guid>());
        foreach (var id in residentIds)
        {
            queue.Enqueue(id);
        }
    }

    /// <summary>The residents changed since the last call (for one reader per sub-district).</summary>
    public List<Guid> Take(Guid subdistrictId)
    {
        var taken = new List<Guid>();
        if (_changed.TryGetValue(subdistrictId, out var queue))
        {
            while (queue.TryDequeue(out var id))
            {
                taken.Add(id);
            }
        }

        return taken;
    }
}
