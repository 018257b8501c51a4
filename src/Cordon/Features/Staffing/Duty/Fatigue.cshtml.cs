using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Cordon.Platform.Time;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Staffing.Duty;

/// <summary>The commander's fatigue view: who must rest now, who is on duty, hours in 24 h and 7 days; and the rules.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageStaff))]
public sealed class FatigueModel(CordonDb db, Caller caller, LocalTime time, TimeProvider clock, Catalog catalog) : PageModel
{
    public List<CallUpsApi.FatigueItem> Items { get; private set; } = [];

    public FatigueRules Rules { get; private set; } = new();

    public string? Error { get; private set; }

    public bool Saved { get; private set; }

    public Task OnGetAsync(bool? saved, CancellationToken cancellationToken)
    {
        Saved = saved == true;
        return LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(int? maxHoursIn24, int? minRestHours, int? maxDaysInRow, CancellationToken cancellationToken)
    {
        if (await CallUpsApi.SaveRulesAsync(db, caller, clock, new CallUpsApi.RulesBody(maxHoursIn24, minRestHours, maxDaysInRow), cancellationToken) is { } error)
        {
            Error = catalog.Message(error);
            Response.StatusCode = error.Status;
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Redirect("/Staff/Fatigue?saved=true");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Rules = await CallUpDesk.RulesAsync(db, caller.SubdistrictId, cancellationToken);
        Items = await CallUpsApi.FatigueAsync(db, time, clock.GetUtcNow().UtcDateTime, caller.SubdistrictId, null, cancellationToken);
        await db.AuditReadAsync("staff-fatigue", null, Items.Count, cancellationToken);
    }
}
