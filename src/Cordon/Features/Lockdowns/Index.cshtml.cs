using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>The commander's board: every lockdown not closed, its clocks, checklist, testing and unlock; it refreshes itself.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class IndexModel(LockdownDesk desk, CordonDb db, Caller caller, TimeProvider clock, IEnumerable<Platform.Sites.ISiteFacts> facts) : PageModel
{
    public List<BoardItem> Items { get; private set; } = [];

    /// <summary>What other features add to each card (people called up), by lockdown.</summary>
    public List<Dictionary<Guid, Platform.Sites.SiteFact>> Facts { get; private set; } = [];

    /// <summary>Buildings in an in-force lockdown, each once however many lockdowns hold it.</summary>
    public int SealedBuildings { get; private set; }

    public int SealedResidents { get; private set; }

    public DateTime Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>The board alone, for the page's 15-second refresh.</summary>
    public async Task<IActionResult> OnGetBoardAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Partial("_Board", this);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        Items = await LockdownsApi.BoardAsync(desk, db, null, cancellationToken);
        var ids = Items.Select(i => i.Id).ToList();
        foreach (var source in facts)
        {
            Facts.Add(await source.FactsAsync(db, ids, cancellationToken));
        }

        // Like the board's own counts, the whole sealed scope of the lockdowns the caller sees.
        var inForce = Items.Where(i => i.Status is "ordered" or "active").Select(i => i.Id).ToList();
        var sid = caller.SubdistrictId;
        var sealedIds = db.Set<LockdownBuilding>().IgnoreQueryFilters().Where(b => b.SubdistrictId == sid && inForce.Contains(b.LockdownId)).Select(b => b.BuildingId).Distinct();
        SealedBuildings = await sealedIds.CountAsync(cancellationToken);
        SealedResidents = await db.Residents.IgnoreQueryFilters()
            .CountAsync(r => r.SubdistrictId == sid && sealedIds.Contains(r.BuildingId) && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant), cancellationToken);
    }
}
