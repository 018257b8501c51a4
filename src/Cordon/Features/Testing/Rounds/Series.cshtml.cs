using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing.Rounds;

[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class SeriesModel(CordonDb db, Caller caller, TimeProvider clock) : PageModel
{
    public TestingRound Round { get; private set; } = null!;

    public SeriesStatus Status { get; private set; } = null!;

    public bool Overdue { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        if (round?.SeriesId is not { } series || await Series.StatusAsync(db, series, cancellationToken) is not { } status)
        {
            return NotFound();
        }

        Round = round;
        Status = status;
        Overdue = clock.GetUtcNow().UtcDateTime > status.Deadline;
        return Page();
    }
}
