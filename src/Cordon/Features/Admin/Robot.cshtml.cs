using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Admin;

/// <summary>
/// The sub-district's WeCom group robot: its webhook URL replaces the configured default for this sub-district;
/// a test message checks it end to end. The URL is shown masked (it carries the robot's key).
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageUsers))]
public sealed class RobotModel(CordonDb db, Caller caller, Notifier notifier, IOptions<NotificationOptions> options, TimeProvider clock) : PageModel
{
    [BindProperty]
    public string? Webhook { get; set; }

    /// <summary>The masked robot in use, and whether it is this sub-district's own (else the configured default, or none).</summary>
    public (string? Masked, bool Own) Current { get; private set; }

    public string? Message { get; private set; }

    public bool Failed { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        var url = Webhook?.Trim();
        if (!RobotSetting.IsValid(url))
        {
            (Message, Failed) = ("admin.robot.invalid", true);
            await LoadAsync(cancellationToken);
            return Page();
        }

        var setting = await db.Set<RobotSetting>().SingleOrDefaultAsync(r => r.SubdistrictId == caller.SubdistrictId, cancellationToken);
        if (setting is null)
        {
            setting = new RobotSetting { SubdistrictId = caller.SubdistrictId };
            db.Set<RobotSetting>().Add(setting);
        }

        setting.WeComWebhook = url!;
        setting.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        setting.UpdatedBy = caller.UserName;
        await db.SaveChangesAsync(cancellationToken);
        return RedirectToPage(new { saved = true });
    }

    public async Task<IActionResult> OnPostClearAsync(CancellationToken cancellationToken)
    {
        await db.Set<RobotSetting>().Where(r => r.SubdistrictId == caller.SubdistrictId).ExecuteDeleteAsync(cancellationToken);
        return RedirectToPage();
    }

    /// <summary>Puts a test message in the outbox: the robot shows it within seconds if the URL is right.</summary>
    public async Task<IActionResult> OnPostTestAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await notifier.AddAsync(caller.SubdistrictId, new Message($"robot-test:{now.Ticks}", "Cordon 测试消息 / test message", $"{caller.UserName} · {now:yyyy-MM-dd HH:mm} UTC"), new Audience(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return RedirectToPage(new { tested = true });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var own = await db.Set<RobotSetting>().AsNoTracking().Where(r => r.SubdistrictId == caller.SubdistrictId).Select(r => r.WeComWebhook).FirstOrDefaultAsync(cancellationToken);
        Current = own is { Length: > 0 } ? (RobotSetting.Masked(own), true)
            : options.Value.WeComWebhook is { Length: > 0 } fallback ? (RobotSetting.Masked(fallback), false)
            : (null, false);
        if (Message is null && Request.Query.ContainsKey("saved"))
        {
            Message = "admin.robot.saved";
        }
        else if (Message is null && Request.Query.ContainsKey("tested"))
        {
            Message = "admin.robot.tested";
        }
    }
}
