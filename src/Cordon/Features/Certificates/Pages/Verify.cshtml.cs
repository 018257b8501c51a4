using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Certificates.Pages;

/// <summary>
/// The verifier (issue 15): a shell with no data of its own; the certificate arrives in the URL's fragment, which no
/// server sees, and is checked in the browser against the published keys, kept for offline use.
/// </summary>
[AllowAnonymous]
public sealed class VerifyModel : PageModel
{
    public void OnGet() => Response.Headers.CacheControl = "no-cache";
}
