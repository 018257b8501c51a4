using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing.CallUps;

/// <summary>
/// The call-up board: each quota as need / coming / arrived, each person's answer, ETA and arrival (late ones marked),
/// the site QR to print, and the commander's hands: add someone, sign someone off, end the call-up.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageStaff))]
public sealed class DetailsModel(CallUpDesk desk, CordonDb db, Catalog catalog) : PageModel
{
    public CallUpDesk.CallUpView View { get; private set; } = null!;

    public string? Error { get; private set; }

    public List<(Guid Id, string Label)> Others { get; private set; } = [];

    public string QrSvg { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await ShowAsync(id, null, cancellationToken);

    public async Task<IActionResult> OnPostInviteAsync(Guid id, Guid? staffId, string? role, string? reason, CancellationToken cancellationToken)
    {
        if (await db.Set<CallUp>().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } callUp)
        {
            return NotFound();
        }

        var error = await desk.InviteAsync(callUp, new AddRequest(staffId, role, reason), cancellationToken);
        return error is null ? Redirect(CallUpDesk.Link(id)) : await ShowAsync(id, error, cancellationToken);
    }

    public async Task<IActionResult> OnPostSignOffAsync(Guid id, Guid staffId, CancellationToken cancellationToken)
    {
        var (_, error) = await desk.SignOffAsync(staffId, cancellationToken);
        return error is null ? Redirect(CallUpDesk.Link(id)) : await ShowAsync(id, error, cancellationToken);
    }

    public async Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await db.Set<CallUp>().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } callUp)
        {
            return NotFound();
        }

        var error = await desk.CloseAsync(callUp, cancellationToken);
        return error is null ? Redirect(CallUpDesk.Link(id)) : await ShowAsync(id, error, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(Guid id, Error? error, CancellationToken cancellationToken)
    {
        if (await db.Set<CallUp>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } callUp)
        {
            return NotFound();
        }

        db.ChangeTracker.Clear();
        View = await desk.ViewAsync(callUp, cancellationToken);
        Error = error is null ? null : catalog.Message(error);
        QrSvg = Platform.Web.QrSvg.Render(View.SiteUrl);
        if (!Request.Headers.ContainsKey("HX-Request"))
        {
            // Opening the board reads everyone's name and phone; its own refreshes every 15 seconds do not count again.
            await db.AuditReadAsync("callup", new { callUp = id }, View.Invitations.Count, cancellationToken);
        }

        var invited = View.Invitations.Select(i => i.StaffId).ToHashSet();
        Others = [.. (await db.Set<StaffMember>().AsNoTracking().Where(s => s.Active).OrderBy(s => s.Name).Select(s => new { s.Id, s.Name, s.Organisation }).Take(3000).ToListAsync(cancellationToken))
            .Where(s => !invited.Contains(s.Id)).Select(s => (s.Id, $"{s.Name} · {s.Organisation}"))];
        if (error is not null)
        {
            Response.StatusCode = error.Status;
        }

        return Page();
    }
}
