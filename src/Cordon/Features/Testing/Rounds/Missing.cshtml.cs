using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing.Rounds;

/// <summary>
/// The door-knock list: everyone not yet sampled and not exempt, by building and floor, printable.
/// With <c>home=true</c>, the home-sampling list: the mobility-impaired and bedridden among them.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class MissingModel(CordonDb db, Caller caller) : PageModel
{
    public TestingRound Round { get; private set; } = null!;

    public bool Home { get; private set; }

    public List<MissingPerson> People { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? compoundId, Guid? buildingId, bool home, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        if (round is null)
        {
            return NotFound();
        }

        Round = round;
        Home = home;
        var scope = await Testing.Roster.ScopeAsync(db, round, cancellationToken);
        People = (await Coverage.ReportAsync(db, scope, compoundId, buildingId, cancellationToken)).Missing;
        if (home)
        {
            People = [.. People.Where(p => p.Tags.HasFlag(NeedTag.Mobility))];
        }

        People = [.. People.Select(p => p with { Phone = caller.Phone(p.Phone) })];
        await db.AuditReadAsync(home ? "home-sampling-list" : "door-knock-list", new { roundId = id, compoundId, buildingId }, People.Count, cancellationToken);
        return Page();
    }
}
