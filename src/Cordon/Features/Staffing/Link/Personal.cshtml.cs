using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Cordon.Features.Staffing.Link;

/// <summary>
/// A called person's own page, reached by their link without a password: one tap "我来" with minutes, or "来不了";
/// on site, the site code (or the site QR opened with the phone's camera, which finds this link in a cookie);
/// sign-off; and for a leader, the team on site. Nothing here is cached.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(Platform.PlatformSetup.LinkRateLimit)]
public sealed class PersonalModel(CallUpDesk desk, CordonDb db, Catalog catalog, TimeProvider clock) : PageModel
{
    public const string Cookie = "cordon.callup";

    public static readonly int[] Etas = [10, 20, 30, 45, 60, 90];

    public CallUpsApi.PersonalView? View { get; private set; }

    public string Token { get; private set; } = "";

    public string? Error { get; private set; }

    public string? Done { get; private set; }

    public Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken) => ShowAsync(token, null, null, cancellationToken);

    public Task<IActionResult> OnPostComingAsync(string token, int? eta, CancellationToken cancellationToken) =>
        ActAsync(token, false, (i, c) => desk.RespondAsync(i, c, "coming", eta, cancellationToken), "callup.me.thanks-coming", cancellationToken);

    public Task<IActionResult> OnPostCannotAsync(string token, CancellationToken cancellationToken) =>
        ActAsync(token, false, (i, c) => desk.RespondAsync(i, c, "cannot", null, cancellationToken), "callup.me.thanks-cannot", cancellationToken);

    public Task<IActionResult> OnPostArriveAsync(string token, string? siteCode, CancellationToken cancellationToken) =>
        ActAsync(token, true, (i, c) => desk.ArriveAsync(i, c, siteCode, cancellationToken), "callup.me.arrived", cancellationToken);

    public Task<IActionResult> OnPostSignOffAsync(string token, Guid? staffId, CancellationToken cancellationToken) =>
        ActAsync(token, true, (i, c) => desk.SignOffByLinkAsync(i, c, staffId, cancellationToken), "callup.me.signed-off", cancellationToken);

    private async Task<IActionResult> ActAsync(string token, bool forArrival, Func<Invitation, CallUp, Task<Error?>> act, string done, CancellationToken cancellationToken)
    {
        var (invitation, callUp, error) = await desk.OpenAsync(token, forArrival, cancellationToken);
        if (invitation is not null && error is null)
        {
            error = await act(invitation, callUp!);
        }

        return await ShowAsync(token, error, error is null ? done : null, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(string token, Error? error, string? done, CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        db.ChangeTracker.Clear();
        var (invitation, callUp, openError) = await desk.OpenAsync(token, forArrival: true, cancellationToken);
        if (invitation is null)
        {
            Error = catalog.Message(openError!);
            Response.StatusCode = openError!.Status;
            return Page();
        }

        Token = token;
        View = await CallUpsApi.PersonalAsync(db, invitation, callUp!, cancellationToken);
        Error = error is null ? null : catalog.Message(error);
        Done = done;
        if (error is not null)
        {
            Response.StatusCode = error.Status;
        }

        // The site QR opened with the phone's own camera finds this link here (only under /c, only this phone).
        Response.Cookies.Append(Cookie, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/c",
            // Relative, not the server's date: a phone whose clock is wrong keeps it just as long.
            MaxAge = callUp!.ExpiresAt - clock.GetUtcNow().UtcDateTime,
            IsEssential = true,
        });
        return Page();
    }
}
