using Cordon.Platform.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Sweeps.Pages;

/// <summary>The rounds of a sweep side by side: per round and team, flats whose answers changed, flats never answered in three rounds.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.VisitDoors))]
public sealed class CompareModel(SweepDesk desk, SweepRounds rounds) : PageModel
{
    public Sweep Sweep { get; private set; } = null!;

    public RoundComparison Comparison { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } sweep)
        {
            return NotFound();
        }

        (Sweep, Comparison) = (sweep, await rounds.CompareAsync(sweep, cancellationToken));
        return Page();
    }
}
