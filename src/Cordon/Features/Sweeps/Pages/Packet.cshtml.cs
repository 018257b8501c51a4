using Cordon.Platform.Auth;
using Cordon.Platform.Notifications;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Sweeps.Pages;

/// <summary>
/// A team's packet for paper (A4) or the phone: last round's open flats first, then entrances, floors top-down, each
/// flat's residents, special needs marked, and on paper a QR per flat that opens the visit form at that flat.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.VisitDoors))]
public sealed class PacketModel(SweepDesk desk, IOptions<NotificationOptions> options) : PageModel
{
    public Packet Packet { get; private set; } = null!;

    /// <summary>The visit form of this team, to which each flat's QR adds <c>#flatId</c>.</summary>
    public string WalkUrl { get; private set; } = "";

    public string Qr(Guid flatId) => QrSvg.Render($"{WalkUrl}#{flatId}", 1);

    public Guid SweepId { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, int team, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } sweep || await desk.PacketAsync(sweep, team, cancellationToken) is not { } packet)
        {
            return NotFound();
        }

        (SweepId, Packet) = (id, packet);
        var site = options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured : $"{Request.Scheme}://{Request.Host}";
        WalkUrl = $"{site.TrimEnd('/')}/Sweeps/Walk?sweep={id}&team={team}";
        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
