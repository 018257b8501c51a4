using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Care.Pages;

/// <summary>The care tasks: open by due time, mine, overdue, waiting for the resident's confirmation, confirmed; or one person's.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ProvideCare))]
public sealed class TasksModel(CareDesk desk, CordonDb db, Catalog catalog) : PageModel
{
    public static readonly IReadOnlyList<string> Views = ["open", "mine", "overdue", "done", "confirmed"];

    [BindProperty(SupportsGet = true)]
    public string? View { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? ResidentId { get; set; }

    public string Current => View is { } v && Views.Contains(v) ? v : "open";

    public List<CareTaskView> Tasks { get; private set; } = [];

    /// <summary>The person the list is limited to, by name, so the page says whose tasks these are.</summary>
    public string? Resident { get; private set; }

    public string ViewLink(string view) => "/Care/Tasks?View=" + view + (ResidentId is { } r ? "&ResidentId=" + r : "");

    public string Every(string recurrence) => CarePlans.Describe(recurrence, catalog);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        var list = Current switch
        {
            "mine" => await desk.ListAsync([.. CareDesk.OpenStates, CareState.Done], overdue: false, mine: true, ResidentId, null, cancellationToken),
            "overdue" => await desk.ListAsync(null, overdue: true, mine: false, ResidentId, null, cancellationToken),
            "done" => await desk.ListAsync([CareState.Done], overdue: false, mine: false, ResidentId, null, cancellationToken),
            "confirmed" => await desk.ListAsync([CareState.Confirmed], overdue: false, mine: false, ResidentId, null, cancellationToken),
            _ => await desk.ListAsync(CareDesk.OpenStates, overdue: false, mine: false, ResidentId, null, cancellationToken),
        };

        Tasks = await desk.ViewsAsync(list, history: false, cancellationToken);
        if (ResidentId is { } id)
        {
            Resident = await db.Residents.AsNoTracking().Where(r => r.Id == id).Select(r => r.Name).SingleOrDefaultAsync(cancellationToken) ?? "—";
        }
    }
}
