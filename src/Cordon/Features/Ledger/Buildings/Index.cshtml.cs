using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Ledger.Buildings;

/// <summary>The building grid (楼栋图): tap a flat to open its household.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class IndexModel(CordonDb db) : PageModel
{
    public BuildingGrid Grid { get; private set; } = null!;

    /// <summary>What other features say about this building (封控中).</summary>
    public List<GridMark> Tags { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, [FromServices] IEnumerable<IBuildingTags> tags, CancellationToken cancellationToken)
    {
        if (await db.GridAsync(id, cancellationToken) is not { } grid)
        {
            return NotFound();
        }

        Grid = grid;
        Tags = [.. (await BuildingTags.ForAsync(tags, [id], cancellationToken))[id]];
        return Page();
    }
}
