using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger.Buildings;

/// <summary>
/// Sampling-code slips to print (A4, eight to a page) for residents without a smartphone: one per
/// resident of the building, or of one household.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class SlipsModel(CordonDb db, Caller caller) : PageModel
{
    public sealed record Slip(string Name, string Address, string Code);

    public string Title { get; private set; } = "";

    public List<Slip> Slips { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? flatId, CancellationToken cancellationToken)
    {
        var building = await db.Buildings.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (building is null)
        {
            return NotFound();
        }

        var residents = db.Search(new ResidentSearch(BuildingId: id, FlatId: flatId), caller).Residents.Where(r => r.Status != ResidenceStatus.Away);
        var rows = await db.Rows(residents).ToListAsync(cancellationToken);
        var codes = await residents.Select(r => new { r.Id, r.SamplingCode }).ToDictionaryAsync(r => r.Id, r => r.SamplingCode, cancellationToken);
        Title = $"{rows.FirstOrDefault()?.Compound} {building.Number}";
        Slips = [.. rows.Select(r => new Slip(r.Name, $"{r.Compound} {r.Address}", codes[r.Id]))];
        await db.AuditReadAsync("sampling-slips", new { buildingId = id, flatId }, Slips.Count, cancellationToken);
        return Page();
    }
}
