using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Lockdowns;

/// <summary>
/// 应急处置预案: everyone who reads the ledger sees it; an admin saves a new version. Lockdowns already running keep
/// the version they started with. Blank rows are the room to add a milestone or an item. The admin edits it without
/// reading residents, so the page lets in either permission.
/// </summary>
[Authorize]
public sealed class PlanModel(CordonDb db, Caller caller, Catalog catalog, TimeProvider clock) : PageModel
{
    public const int SpareRows = 2;

    public sealed class MilestoneRow
    {
        public string? Key { get; set; }

        public string? Label { get; set; }

        public int? Minutes { get; set; }
    }

    public sealed class CheckRow
    {
        public string? Key { get; set; }

        public string? Label { get; set; }
    }

    public ResponsePlan Current { get; private set; } = null!;

    [BindProperty]
    public List<MilestoneRow> Milestones { get; set; } = [];

    [BindProperty]
    public List<CheckRow> Checklist { get; set; } = [];

    [BindProperty]
    public int CleanRoundHours { get; set; } = 48;

    [TempData]
    public int? Saved { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!caller.Can(Permission.ViewResidents) && !caller.Can(Permission.EditResponsePlan))
        {
            return Forbid();
        }

        Current = await ResponsePlan.CurrentAsync(db, caller.SubdistrictId, cancellationToken);
        Milestones = [.. Current.MilestoneList.Select(m => new MilestoneRow { Key = m.Key, Label = m.Label, Minutes = m.Minutes })];
        Checklist = [.. Current.CheckList.Select(c => new CheckRow { Key = c.Key, Label = c.Label })];
        CleanRoundHours = Current.CleanRoundHours;
        Pad();
        return Page();
    }

    [Requires(Permission.EditResponsePlan)]
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var milestones = Milestones.Where(m => !string.IsNullOrWhiteSpace(m.Key))
            .Select(m => new PlanMilestone(m.Key!.Trim(), Text.Clean(m.Label) is { Length: > 0 } l ? l : null, m.Minutes ?? 0)).ToList();
        var checks = Checklist.Where(c => !string.IsNullOrWhiteSpace(c.Key))
            .Select(c => new PlanCheck(c.Key!.Trim(), Text.Clean(c.Label) is { Length: > 0 } l ? l : null)).ToList();
        if (ResponsePlan.Check(milestones, checks, CleanRoundHours) is { } error)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(error));
            Current = await ResponsePlan.CurrentAsync(db, caller.SubdistrictId, cancellationToken);
            Pad();
            return Page();
        }

        var plan = await ResponsePlan.AddVersionAsync(db, caller.SubdistrictId, milestones, checks, CleanRoundHours, caller.UserName, clock.GetUtcNow().UtcDateTime, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        Saved = plan.Version;
        return Redirect("/Lockdowns/Plan");
    }

    private void Pad()
    {
        for (var i = 0; i < SpareRows; i++)
        {
            Milestones.Add(new MilestoneRow());
            Checklist.Add(new CheckRow());
        }
    }
}
