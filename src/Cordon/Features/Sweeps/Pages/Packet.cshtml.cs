using Cordon.Platform.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Sweeps.Pages;

/// <summary>A team's packet for paper (A4) or the phone: entrances, floors top-down, each flat's residents, special needs marked.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.RunLockdowns))]
public sealed class PacketModel(SweepDesk desk) : PageModel
{
    public Packet Packet { get; private set; } = null!;

    public Guid SweepId { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, int team, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } sweep || await desk.PacketAsync(sweep, team, cancellationToken) is not { } packet)
        {
            return NotFound();
        }

        (SweepId, Packet) = (id, packet);
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
