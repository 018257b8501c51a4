using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Cordon.Platform.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Cordon.Features.Staffing.Link;

/// <summary>
/// What the site QR opens in the phone's own camera app: the arriving person's link is found in the cookie their
/// personal page left, and one tap records the arrival. Without it, they are told to open their link first.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(Platform.PlatformSetup.LinkRateLimit)]
public sealed class SiteModel(CallUpDesk desk, Catalog catalog) : PageModel
{
    public string Code { get; private set; } = "";

    public string? Token { get; private set; }

    public string? Title { get; private set; }

    public bool Arrived { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        Code = SiteCodes.FromScan(code);
        var token = Request.Cookies[PersonalModel.Cookie];
        var (invitation, callUp, error) = await desk.OpenAsync(token, forArrival: true, cancellationToken);
        if (invitation is null)
        {
            Error = token is null ? null : catalog.Message(error!);
            return Page();
        }

        if (!string.Equals(callUp!.SiteCode, Code, StringComparison.OrdinalIgnoreCase))
        {
            Error = catalog.Message(CallUpErrors.SiteCodeWrong);
            Token = token;
            return Page();
        }

        Token = token;
        Title = callUp.Title;
        Arrived = invitation.ArrivedAt is not null;
        return Page();
    }
}
