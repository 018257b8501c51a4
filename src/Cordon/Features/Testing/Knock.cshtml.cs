using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// The way in for the people who knock on doors (volunteers, building leaders): the open rounds of their area, each
/// with how many people it still misses there, leading to the door-knock list.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class KnockModel(CordonDb db, Caller caller) : PageModel
{
    public List<(TestingRound Round, CoverageCounts Counts)> Rounds { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        foreach (var round in (await RoundAccess.VisibleAsync(db, caller, 50, cancellationToken)).Where(r => r.Status == RoundStatus.Open))
        {
            Rounds.Add((round, await Coverage.CountsAsync(db, await Roster.ScopeAsync(db, round, cancellationToken), cancellationToken: cancellationToken)));
        }
    }
}
