using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing.Rounds;

/// <summary>The building grid coloured by this round: done, partly missing, missing, exempt.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class BuildingModel(CordonDb db, Caller caller) : PageModel
{
    public TestingRound Round { get; private set; } = null!;

    public BuildingGrid Grid { get; private set; } = null!;

    public Dictionary<Guid, GridMark> Marks { get; private set; } = [];

    public CoverageCounts Counts { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, Guid buildingId, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        if (round is null || await db.GridAsync(buildingId, cancellationToken) is not { } grid)
        {
            return NotFound();
        }

        Round = round;
        Grid = grid;
        var scope = await Testing.Roster.ScopeAsync(db, round, cancellationToken);
        Marks = await Coverage.GridMarksAsync(db, scope, buildingId, cancellationToken);
        Counts = await Coverage.CountsAsync(db, scope, buildingId: buildingId, cancellationToken: cancellationToken);
        return Page();
    }
}
