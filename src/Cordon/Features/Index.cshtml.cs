using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features;

/// <summary>The start page: the caller's sub-district at a glance, one tile per feature they may use.</summary>
public sealed class IndexModel(CordonDb db, Caller caller, IEnumerable<IHomeTile> tiles) : PageModel
{
    public string Subdistrict { get; private set; } = "";

    public List<HomeTileView> Tiles { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Subdistrict = await db.Subdistricts.Select(s => s.Name).FirstOrDefaultAsync(cancellationToken) ?? "";
        foreach (var tile in tiles.OrderBy(t => t.Order))
        {
            if (tile.Permission is not { } p || caller.Can(p))
            {
                Tiles.Add(await tile.BuildAsync(cancellationToken));
            }
        }
    }
}
