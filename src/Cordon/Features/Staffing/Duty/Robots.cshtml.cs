using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing.Duty;

/// <summary>
/// A WeCom group robot per team (单位): a call-up's personal links go to the group of the people called, not all to
/// the sub-district's one. Shown masked; an empty one falls back to the sub-district's robot.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageStaff))]
public sealed class RobotsModel(CordonDb db, Caller caller, TimeProvider clock) : PageModel
{
    public sealed record Team(string Organisation, int People, string? Masked);

    public List<Team> Teams { get; private set; } = [];

    public string? Error { get; private set; }

    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool? saved, CancellationToken cancellationToken)
    {
        Saved = saved == true;
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string? organisation, string? url, CancellationToken cancellationToken)
    {
        var name = Platform.Web.Text.Clean(organisation);
        var webhook = (url ?? "").Trim();
        if (name.Length is 0 or > 32 || (webhook.Length > 0 && !RobotSetting.IsValid(webhook)))
        {
            Error = "error.team_robot_invalid";
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(cancellationToken);
            return Page();
        }

        var row = await db.Set<TeamRobot>().SingleOrDefaultAsync(r => r.Organisation == name, cancellationToken);
        if (webhook.Length == 0)
        {
            if (row is not null)
            {
                db.Set<TeamRobot>().Remove(row);
            }
        }
        else
        {
            if (row is null)
            {
                row = new TeamRobot { SubdistrictId = caller.SubdistrictId, Organisation = name };
                db.Set<TeamRobot>().Add(row);
            }

            row.WeComWebhook = webhook;
            row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        }

        db.Audit(Platform.Audit.AuditAction.Update, nameof(TeamRobot), name, details: new { robot = webhook.Length == 0 ? null : RobotSetting.Masked(webhook) });
        await db.SaveChangesAsync(cancellationToken);
        return Redirect("/Staff/Robots?saved=true");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var people = await db.Set<StaffMember>().AsNoTracking().Where(s => s.Active).GroupBy(s => s.Organisation)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var robots = await db.Set<TeamRobot>().AsNoTracking().ToDictionaryAsync(r => r.Organisation, r => r.WeComWebhook, cancellationToken);
        Teams = [.. people.Select(p => p.Key).Union(robots.Keys).Order(StringComparer.Ordinal)
            .Select(o => new Team(o, people.FirstOrDefault(p => p.Key == o)?.Count ?? 0, robots.TryGetValue(o, out var url) ? RobotSetting.Masked(url) : null))];
    }
}
