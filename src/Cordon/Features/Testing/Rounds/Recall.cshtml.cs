using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing.Rounds;

/// <summary>复核名单: members of positive pools, to be retested alone at home; printable.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class RecallModel(CordonDb db, Caller caller) : PageModel
{
    public TestingRound Round { get; private set; } = null!;

    public List<CoverageApi.RecallItem> People { get; private set; } = [];

    public Guid? RecallRoundId { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        if (round is null)
        {
            return NotFound();
        }

        Round = round;
        People = await CoverageApi.RecallListAsync(db, caller, id, cancellationToken);
        await db.AuditReadAsync("recall-list", new { roundId = id }, People.Count, cancellationToken);
        RecallRoundId = await db.TestingRounds.Where(r => r.RecallOf == id).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        return Page();
    }
}
