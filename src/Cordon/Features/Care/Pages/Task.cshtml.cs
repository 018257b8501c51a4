using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Care.Pages;

/// <summary>One care task: who and what, taking it, giving it to someone, the trip, done, the resident's confirmation, cancelling, history.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ProvideCare))]
public sealed class TaskModel(CareDesk desk, CordonDb db, Caller caller, Catalog catalog) : PageModel
{
    public CareTaskView Item { get; private set; } = null!;

    public List<Holder> Users { get; private set; } = [];

    public string? Error { get; private set; }

    /// <summary>What was typed into a step that was refused, shown again so nobody types a whole trip twice.</summary>
    public TripCommand? TypedTrip { get; private set; }

    public string? TypedOutcome { get; private set; }

    public string? TypedVia { get; private set; }

    public string? TypedNote { get; private set; }

    public string? TypedReason { get; private set; }

    /// <summary>The field a refused step names (a trip's missing fact, a time out of order), marked on the form.</summary>
    public string? BadField { get; private set; }

    /// <summary>Whom an event went to. A confirmation's way is stored in the words of whoever confirmed; shown in the reader's.</summary>
    /// <summary>A confirmation stores its way as a code (<c>phone</c>): shown in the reader's language.</summary>
    public string? EventTo(CareEventView e) =>
        e.Kind == "confirmed" && e.To is { } way && CareDesk.ConfirmWays.Contains(way) ? catalog.Text("care.via." + way) : e.To;

    public bool Mine => Item.OwnerId is { } o && o == caller.UserId;

    public string Every(string? recurrence) => CarePlans.Describe(recurrence, catalog);

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => ShowAsync(id, null, cancellationToken);

    public Task<IActionResult> OnPostTakeAsync(Guid id, CancellationToken cancellationToken) => ActAsync(id, t => desk.AssignAsync(t, null, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostAssignAsync(Guid id, string? userId, CancellationToken cancellationToken) =>
        ActAsync(id, t => desk.AssignAsync(t, string.IsNullOrEmpty(userId) ? "-" : userId, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostStartAsync(Guid id, CancellationToken cancellationToken) => ActAsync(id, t => desk.StartAsync(t, null, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostDoneAsync(
        Guid id, string? step, string? outcome, string? vehicle, string? driver, string? destination, DateTime? departedAt, DateTime? arrivedAt, DateTime? returnedAt, string? handedOverTo,
        CancellationToken cancellationToken)
    {
        var trip = new TripCommand(vehicle, driver, destination, departedAt, arrivedAt, returnedAt, handedOverTo);
        (TypedTrip, TypedOutcome) = (trip, outcome);
        return ActAsync(id, t => step == "start" ? desk.StartAsync(t, trip, cancellationToken) : desk.DoneAsync(t, outcome, trip, cancellationToken), cancellationToken);
    }

    public Task<IActionResult> OnPostConfirmAsync(Guid id, string? via, string? note, CancellationToken cancellationToken)
    {
        (TypedVia, TypedNote) = (via, note);
        return ActAsync(id, t => desk.ConfirmAsync(t, via, note, cancellationToken), cancellationToken);
    }

    public Task<IActionResult> OnPostCancelAsync(Guid id, string? reason, bool stopPlan, CancellationToken cancellationToken)
    {
        TypedReason = reason;
        return ActAsync(id, t => desk.CancelAsync(t, reason, stopPlan, cancellationToken), cancellationToken);
    }

    private async Task<IActionResult> ActAsync(Guid id, Func<CareTask, Task<CareFailure?>> action, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } task)
        {
            return NotFound();
        }

        return await action(task) is { } failure ? await ShowAsync(id, failure, cancellationToken) : Redirect(CareDesk.Link(id));
    }

    private async Task<IActionResult> ShowAsync(Guid id, CareFailure? failure, CancellationToken cancellationToken)
    {
        // A refused step may have left its half-applied values on the tracked task: show what is stored.
        db.ChangeTracker.Clear();
        if (await desk.FindAsync(id, cancellationToken) is not { } task)
        {
            return NotFound();
        }

        Item = (await desk.ViewsAsync([task], history: true, cancellationToken))[0];
        Users = await desk.CareUsersAsync(task.NeighborhoodId, task.CompoundId, cancellationToken);
        Response.Headers.CacheControl = "no-store";
        if (failure is not null)
        {
            BadField = failure.Field;
            Error = failure.Error == CareErrors.TripIncomplete ? catalog.Message(failure.Error, catalog.Text("care.field." + failure.Field))
                : failure.Error == CareErrors.WrongState ? catalog.Message(failure.Error, catalog.Text("care.state." + failure.Args[0]))
                : catalog.Message(failure.Error, failure.Args);
            Response.StatusCode = failure.Error.Status;
        }

        return Page();
    }
}
