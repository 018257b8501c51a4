using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Cordon.Platform.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Staffing.CallUps;

/// <summary>The site QR on an A4 sheet, for the entrance of a lockdown (or of a stand-alone call-up): arriving staff scan it.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageStaff))]
public sealed class SiteModel(CordonDb db, ISites sites, IOptions<NotificationOptions> options) : PageModel
{
    public string Title { get; private set; } = "";

    public string Code { get; private set; } = "";

    public string Svg { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid? lockdownId, Guid? id, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.PublicBaseUrl is { Length: > 0 } configured ? configured : $"{Request.Scheme}://{Request.Host}{Request.PathBase}";
        if (lockdownId is { } l && await sites.FindAsync(db, l, cancellationToken) is { } site)
        {
            (Title, Code) = (site.Name, site.SiteCode);
        }
        else if (id is { } c && await db.Set<CallUp>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == c, cancellationToken) is { } callUp)
        {
            (Title, Code, baseUrl) = (callUp.Title, callUp.SiteCode, callUp.BaseUrl);
        }
        else
        {
            return NotFound();
        }

        Svg = Platform.Web.QrSvg.Render(SiteCodes.Url(baseUrl, Code));
        return Page();
    }
}
