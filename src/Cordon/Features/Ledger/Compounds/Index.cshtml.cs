using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger.Compounds;

/// <summary>A compound's buildings with their counts; a building outside jurisdiction is simply not there.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class IndexModel(CordonDb db) : PageModel
{
    public sealed record BuildingRow(Guid Id, string Number, int Floors, bool HasElevator, int Entrances, int Flats, int Residents, int Needs, int Vacant);

    public Compound Compound { get; private set; } = null!;

    public string Neighborhood { get; private set; } = "";

    public List<BuildingRow> Buildings { get; private set; } = [];

    /// <summary>What other features say about a building (封控中).</summary>
    public ILookup<Guid, GridMark> Tags { get; private set; } = Array.Empty<GridMark>().ToLookup(_ => Guid.Empty);

    public async Task<IActionResult> OnGetAsync(Guid id, [FromServices] IEnumerable<IBuildingTags> tags, CancellationToken cancellationToken)
    {
        var compound = await db.Compounds.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (compound is null)
        {
            return NotFound();
        }

        Compound = compound;
        Neighborhood = await db.Neighborhoods.Where(n => n.Id == compound.NeighborhoodId).Select(n => n.Name).SingleAsync(cancellationToken);
        var living = db.Residents.Where(r => r.Status != ResidenceStatus.MovedOut);
        Buildings = await db.Buildings.AsNoTracking()
            .Where(b => b.CompoundId == id)
            .OrderBy(b => b.SortKey).ThenBy(b => b.Number)
            .Select(b => new BuildingRow(
                b.Id, b.Number, b.Floors, b.HasElevator, b.Entrances,
                db.Flats.Count(f => f.BuildingId == b.Id),
                living.Count(r => r.BuildingId == b.Id),
                living.Count(r => r.BuildingId == b.Id && (r.Tags & LedgerCounts.CareTags) != 0),
                db.Flats.Count(f => f.BuildingId == b.Id && f.IsVacant)))
            .ToListAsync(cancellationToken);
        Tags = await BuildingTags.ForAsync(tags, [.. Buildings.Select(b => b.Id)], cancellationToken);
        return Page();
    }
}
