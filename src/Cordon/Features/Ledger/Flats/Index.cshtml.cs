using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Time;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger.Flats;

/// <summary>A flat and its household: who lives behind this door.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class IndexModel(CordonDb db, Caller caller, LocalTime time) : PageModel
{
    public Flat Flat { get; private set; } = null!;

    public Building Building { get; private set; } = null!;

    public string Compound { get; private set; } = "";

    public string Address { get; private set; } = "";

    public List<ResidentRow> Residents { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        return Page();
    }

    /// <summary>Marks the flat vacant or occupied (a sweep finds flats empty that the ledger thought lived in).</summary>
    [Requires(Permission.EditLedger)]
    public async Task<IActionResult> OnPostVacancyAsync(Guid id, bool vacant, CancellationToken cancellationToken)
    {

        var flat = await db.Flats.SingleOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (flat is null)
        {
            return NotFound();
        }

        flat.IsVacant = vacant;
        await db.SaveChangesAsync(cancellationToken);
        return Redirect($"/Ledger/Flats/{id}");
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var flat = await db.Flats.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (flat is null)
        {
            return false;
        }

        Flat = flat;
        Building = await db.Buildings.AsNoTracking().SingleAsync(b => b.Id == flat.BuildingId, cancellationToken);
        Compound = await db.Compounds.Where(c => c.Id == flat.CompoundId).Select(c => c.Name).SingleAsync(cancellationToken);
        Address = Platform.Places.Address.Format(Building.Number, flat.Entrance, flat.Room, Building.Entrances);
        Residents = [.. (await db.Rows(db.Search(new ResidentSearch(FlatId: id, IncludeMovedOut: true), caller).Residents).ToListAsync(cancellationToken))
            .Select(r => r.Masked(caller, time.Today))];
        return true;
    }
}
