using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Certificates.Pages;

/// <summary>The certificates issued in the jurisdiction, newest first (or one lockdown's); every resident of a lockdown's in one action.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.IssueCertificates))]
public sealed class IndexModel(CertificateDesk desk, CordonDb db, Catalog catalog) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? LockdownId { get; set; }

    public List<CertificateView> Rows { get; private set; } = [];

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostBulkAsync(Guid lockdownId, CancellationToken cancellationToken)
    {
        LockdownId = lockdownId;
        var (result, error) = await desk.IssueForLockdownAsync(lockdownId, cancellationToken);
        if (error is not null)
        {
            Error = catalog.Message(error);
            Response.StatusCode = error.Status;
        }
        else
        {
            Message = catalog.Text("cert.bulk-done", result!.Issued, result.Skipped.Count(s => s.Reason == "already_issued"), result.Skipped.Count(s => s.Reason != "already_issued"));
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var query = desk.Visible().AsNoTracking();
        if (LockdownId is { } l)
        {
            query = query.Where(c => c.LockdownId == l);
        }

        var rows = await query.OrderByDescending(c => c.IssuedAt).ThenBy(c => c.Number).Take(300).ToListAsync(cancellationToken);
        await db.AuditReadAsync("certificates", new { LockdownId }, rows.Count, cancellationToken);
        Rows = [.. rows.Select(desk.View)];
    }
}
