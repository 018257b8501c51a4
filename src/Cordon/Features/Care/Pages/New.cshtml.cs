using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Care.Pages;

/// <summary>A care task for one person of the register: what, when, how often (every 3 days, Mon/Wed/Fri, or a rule typed in), and a note.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ProvideCare))]
public sealed class NewModel(CareDesk desk, CordonDb db, Catalog catalog, LocalTime time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid ResidentId { get; set; }

    [BindProperty]
    public Guid TaskId { get; set; }

    [BindProperty]
    public string Kind { get; set; } = "meals";

    [BindProperty]
    public DateTime? DueAt { get; set; }

    [BindProperty]
    public string? Plan { get; set; }

    [BindProperty]
    public string? Custom { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    public string Name { get; private set; } = "";

    public string Address { get; private set; } = "";

    public string Every(string recurrence) => CarePlans.Describe(recurrence, catalog);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        TaskId = Guid.CreateVersion7();
        var now = time.Now;
        DueAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Unspecified).AddHours(2);
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        // A rule typed in is what was meant, whichever line of the list is still chosen.
        var recurrence = !string.IsNullOrWhiteSpace(Custom) ? Custom : Plan == "custom" ? null : Plan;
        if (Plan == "custom" && recurrence is null)
        {
            ModelState.AddModelError(string.Empty, catalog.Text("care.custom-missing"));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await LoadAsync(cancellationToken) ? Page() : NotFound();
        }

        var due = DueAt is { } d ? DateTime.SpecifyKind(d, DateTimeKind.Unspecified) : (DateTime?)null;
        var (task, _, failure) = await desk.CreateAsync(new CareTaskCommand(TaskId, ResidentId, Kind, due, recurrence, Note), "register", null, null, null, cancellationToken);
        if (failure is null)
        {
            return Redirect(CareDesk.Link(task!.Id));
        }

        ModelState.AddModelError(string.Empty, catalog.Message(failure.Error, failure.Args));
        Response.StatusCode = failure.Error.Status;
        return await LoadAsync(cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (await db.Residents.AsNoTracking().Where(r => r.Id == ResidentId).Select(r => new { r.Name, r.FlatId }).SingleOrDefaultAsync(cancellationToken) is not { } r)
        {
            return false;
        }

        Name = r.Name;
        Address = (await db.FlatAddressesAsync([r.FlatId], cancellationToken)).GetValueOrDefault(r.FlatId, "—");
        return true;
    }
}
