using Cordon.Platform.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Sweeps.Pages;

/// <summary>
/// 扫楼走访: a team's packet on the phone and the visit form, working with no network (js/sweep.js). The page is a
/// shell with no personal data, so the service worker may keep it; the packet is fetched by the script and kept on
/// the device (masked as the role sees it), and visits wait in the "sweep-visits" offline queue.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.VisitDoors))]
public sealed class WalkModel : PageModel
{
    public IActionResult OnGet() => Page();
}
