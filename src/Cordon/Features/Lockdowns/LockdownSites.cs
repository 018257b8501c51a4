using Cordon.Platform.Data;
using Cordon.Platform.Sites;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>Lockdowns as sites staff report to (<see cref="ISites"/>), for call-ups.</summary>
internal sealed class LockdownSites(LockdownDesk desk) : ISites
{
    public async Task<Site?> FindAsync(CordonDb db, Guid lockdownId, CancellationToken cancellationToken)
    {
        var lockdown = await desk.Visible().AsNoTracking().SingleOrDefaultAsync(l => l.Id == lockdownId, cancellationToken);
        if (lockdown is null)
        {
            return null;
        }

        var neighborhoods = await db.Set<LockdownBuilding>().IgnoreQueryFilters()
            .Where(b => b.SubdistrictId == lockdown.SubdistrictId && b.LockdownId == lockdownId).Select(b => b.NeighborhoodId).Distinct().ToListAsync(cancellationToken);
        var buildings = await db.Set<LockdownBuilding>().IgnoreQueryFilters()
            .Where(b => b.SubdistrictId == lockdown.SubdistrictId && b.LockdownId == lockdownId).Select(b => b.BuildingId).ToListAsync(cancellationToken);
        return new Site(lockdown.Id, lockdown.SubdistrictId, lockdown.Name, lockdown.SiteCode, lockdown.InForce, lockdown.ReceivedAt, neighborhoods)
        {
            BuildingIds = buildings,
            UnlockedAt = lockdown.UnlockedAt,
        };
    }

    public async Task<IReadOnlyList<Site>> InForceAsync(CordonDb db, CancellationToken cancellationToken)
    {
        var lockdowns = await desk.Visible().AsNoTracking().Where(l => l.Status == LockdownStatus.Ordered || l.Status == LockdownStatus.Active)
            .OrderByDescending(l => l.ReceivedAt).Take(100).ToListAsync(cancellationToken);
        var ids = lockdowns.Select(l => l.Id).ToList();
        var neighborhoods = (await db.Set<LockdownBuilding>().IgnoreQueryFilters().Where(b => ids.Contains(b.LockdownId))
            .Select(b => new { b.LockdownId, b.NeighborhoodId }).Distinct().ToListAsync(cancellationToken)).ToLookup(b => b.LockdownId, b => b.NeighborhoodId);
        return [.. lockdowns.Select(l => new Site(l.Id, l.SubdistrictId, l.Name, l.SiteCode, l.InForce, l.ReceivedAt, [.. neighborhoods[l.Id]]))];
    }

    public async Task<bool> CompleteAsync(CordonDb db, Guid lockdownId, string milestone, DateTime at, string by, string note, CancellationToken cancellationToken)
    {
        var lockdown = await db.Set<Lockdown>().IgnoreQueryFilters().SingleOrDefaultAsync(l => l.Id == lockdownId, cancellationToken);
        return lockdown is not null && await desk.CompleteByEvidenceAsync(lockdown, milestone, at, by, note, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<Guid, DateTime>> UnlockedAsync(CordonDb db, IReadOnlyCollection<Guid> lockdownIds, CancellationToken cancellationToken) =>
        await db.Set<Lockdown>().IgnoreQueryFilters().Where(l => lockdownIds.Contains(l.Id) && l.UnlockedAt != null)
            .ToDictionaryAsync(l => l.Id, l => l.UnlockedAt!.Value, cancellationToken);
}
