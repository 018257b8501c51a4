using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Notifications;

/// <summary>The caller's messages, newest first, unread ones marked; read one by opening it, or all at once.</summary>
[Authorize]
public sealed class IndexModel(CordonDb db, Caller caller, TimeProvider clock) : PageModel
{
    public const int Shown = 100;

    public List<Notification> Messages { get; private set; } = [];

    public List<Alert> OpenAlerts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Messages = await db.Set<Notification>().AsNoTracking().Where(n => n.UserId == caller.UserId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(Shown).ToListAsync(cancellationToken);
        if (caller.Can(Permission.ViewResidents))
        {
            OpenAlerts = await db.Set<Alert>().AsNoTracking().Where(a => a.ClosedAt == null).OrderByDescending(a => a.RaisedAt).Take(50).ToListAsync(cancellationToken);
        }
    }

    /// <summary>Marks one read and follows its link (only a link inside Cordon).</summary>
    public async Task<IActionResult> OnPostOpenAsync(Guid id, CancellationToken cancellationToken)
    {
        var message = await db.Set<Notification>().SingleOrDefaultAsync(n => n.Id == id && n.UserId == caller.UserId, cancellationToken);
        if (message is null)
        {
            return NotFound();
        }

        message.ReadAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return message.Link is { } link && Url.IsLocalUrl(link) ? LocalRedirect(link) : RedirectToPage();
    }

    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Set<Notification>().Where(n => n.UserId == caller.UserId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        return RedirectToPage();
    }
}
