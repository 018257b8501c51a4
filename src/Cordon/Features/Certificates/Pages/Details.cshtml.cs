using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Certificates.Pages;

/// <summary>
/// One certificate as a phone-sized card with its QR (the resident saves or forwards a screenshot of it), the PDF
/// for printing, the verifier's view, and revocation with a reason. Issued from the resident page in two taps.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.IssueCertificates))]
public sealed class DetailsModel(CertificateDesk desk, Catalog catalog) : PageModel
{
    public CertificateView Item { get; private set; } = null!;

    public string QrSvg { get; private set; } = "";

    public string VerifyLink { get; private set; } = "";

    public string? Error { get; private set; }

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => ShowAsync(id, null, cancellationToken);

    /// <summary>From the resident page: <paramref name="kind"/> is <c>sealed:{lockdownId}</c>, <c>home_isolation</c> or <c>home_monitoring</c>.</summary>
    public async Task<IActionResult> OnPostIssueAsync(Guid residentId, Guid requestId, string? kind, DateOnly? from, CancellationToken cancellationToken)
    {
        Guid? lockdown = kind is { } k && k.StartsWith("sealed:", StringComparison.Ordinal) && Guid.TryParse(k[7..], out var l) ? l : null;
        var (certificate, _, error, _) = await desk.IssueAsync(new CertificateCommand(requestId, residentId, lockdown, lockdown is null ? kind : "sealed", from, null), cancellationToken);
        if (error is not null)
        {
            Response.StatusCode = error.Status;
            return Content(catalog.Message(error), "text/plain; charset=utf-8");
        }

        return Redirect($"/Certificates/Details?id={certificate!.Id}");
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, string? reason, CancellationToken cancellationToken) =>
        await desk.RevokeAsync(id, reason, cancellationToken) is { } error ? await ShowAsync(id, error, cancellationToken) : Redirect($"/Certificates/Details?id={id}");

    private async Task<IActionResult> ShowAsync(Guid id, Error? error, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } c)
        {
            return NotFound();
        }

        Response.Headers.CacheControl = "no-store";
        Item = desk.View(c);
        QrSvg = Platform.Web.QrSvg.Render(Item.Qr);
        VerifyLink = "/v#" + c.Jws;
        if (error is not null)
        {
            Error = catalog.Message(error);
            Response.StatusCode = error.Status;
        }

        return Page();
    }
}
