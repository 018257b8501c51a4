using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>封控中 on the ledger's buildings that an ordered or active lockdown holds: one query for the page.</summary>
internal sealed class SealedBuildingTags(CordonDb db) : IBuildingTags
{
    public static readonly GridMark Sealed = new("sealed", "lockdowns.sealed-tag");

    public async Task<IReadOnlyDictionary<Guid, GridMark>> TagsAsync(IReadOnlyCollection<Guid> buildingIds, CancellationToken cancellationToken)
    {
        var ids = buildingIds.ToList();
        var sealedIds = await db.Set<LockdownBuilding>().Where(b => ids.Contains(b.BuildingId))
            .Join(db.Set<Lockdown>(), b => b.LockdownId, l => l.Id, (b, l) => new { b.BuildingId, l.Status })
            .Where(x => x.Status == LockdownStatus.Ordered || x.Status == LockdownStatus.Active)
            .Select(x => x.BuildingId).Distinct().ToListAsync(cancellationToken);
        return sealedIds.ToDictionary(id => id, _ => Sealed);
    }
}

/// <summary>The lockdowns of a resident's building, on their page.</summary>
internal sealed class LockdownsSection : IResidentSection
{
    public int Order => 5;

    public string Component => "ResidentLockdowns";
}

public sealed record ResidentLockdownRow(Guid Id, string Name, LockdownLevel Level, LockdownStatus Status, DateTime ReceivedAt, DateTime? UnlockedAt, DateTime? ClosedAt);

public sealed class ResidentLockdownsViewComponent(CordonDb db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid residentId)
    {
        var building = db.Residents.Where(r => r.Id == residentId).Select(r => r.BuildingId);
        var rows = await db.Set<LockdownBuilding>().Where(b => building.Contains(b.BuildingId))
            .Join(db.Set<Lockdown>(), b => b.LockdownId, l => l.Id, (b, l) => l)
            .OrderByDescending(l => l.ReceivedAt).Take(50)
            .Select(l => new ResidentLockdownRow(l.Id, l.Name, l.Level, l.Status, l.ReceivedAt, l.UnlockedAt, l.ClosedAt))
            .ToListAsync();
        return View("/Features/Lockdowns/_ResidentLockdowns.cshtml", rows);
    }
}
