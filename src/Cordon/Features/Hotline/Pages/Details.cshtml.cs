using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Hotline.Pages;

/// <summary>One request: what the caller said, its deadline and owner, taking it, handing it over, accepting or returning it, callbacks, notes, closing.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.AnswerHotline))]
public sealed class DetailsModel(HotlineDesk desk, Caller caller, Catalog catalog, TimeProvider clock) : PageModel
{
    public RequestView Item { get; private set; } = null!;

    public List<Holder> Users { get; private set; } = [];

    public string? Error { get; private set; }

    public bool PendingToMe => Item.PendingOwnerId is { } p && p == caller.UserId;

    public DateTime Now { get; private set; }

    public IReadOnlyList<Platform.Care.CareTaskRef> CareTasks { get; private set; } = [];

    public List<(Guid Id, string Name)> FlatResidents { get; private set; } = [];

    /// <summary>Calls about medicine, a doctor or food can become care tasks from here (for those who may care for residents).</summary>
    public bool CanOrderCare => Item.State == "open" && Item.FlatId is not null && caller.Can(Permission.ProvideCare) && Item.Category is "medicine" or "medical" or "food";

    public bool Mine => Item.OwnerId is { } o && o == caller.UserId;

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) => ShowAsync(id, null, cancellationToken);

    public Task<IActionResult> OnPostTakeAsync(Guid id, CancellationToken cancellationToken) => ActAsync(id, r => desk.AssignAsync(r, null, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostAssignAsync(Guid id, string? userId, CancellationToken cancellationToken) =>
        ActAsync(id, r => desk.AssignAsync(r, string.IsNullOrEmpty(userId) ? "-" : userId, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostAcceptAsync(Guid id, CancellationToken cancellationToken) => ActAsync(id, r => desk.AcceptAsync(r, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostDeclineAsync(Guid id, string? reason, CancellationToken cancellationToken) => ActAsync(id, r => desk.DeclineAsync(r, reason, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostMergeAsync(Guid id, Guid into, CancellationToken cancellationToken) => ActAsync(id, r => desk.MergeAsync(r, into, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostCallbackAsync(Guid id, string? outcome, bool satisfied, string? note, CancellationToken cancellationToken) =>
        ActAsync(id, r => desk.CallbackAsync(r, null, outcome, outcome == "resolved" || outcome == "unresolved" ? satisfied : null, note, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostNoteAsync(Guid id, string? note, CancellationToken cancellationToken) => ActAsync(id, r => desk.NoteAsync(r, note, cancellationToken), cancellationToken);

    public async Task<IActionResult> OnPostCareAsync(Guid id, Guid? residentId, string? kind, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } request)
        {
            return NotFound();
        }

        var (task, error) = await desk.OrderCareAsync(request, residentId, kind, null, null, null, cancellationToken);
        return error is not null ? await ShowAsync(id, error, cancellationToken) : Redirect(task!.Link);
    }

    public Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken cancellationToken) => ActAsync(id, r => desk.CloseAsync(r, cancellationToken), cancellationToken);

    private async Task<IActionResult> ActAsync(Guid id, Func<HotlineRequest, Task<Error?>> action, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } request)
        {
            return NotFound();
        }

        return await action(request) is { } error ? await ShowAsync(id, error, cancellationToken) : Redirect(HotlineDesk.Link(id));
    }

    private async Task<IActionResult> ShowAsync(Guid id, Error? error, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } request)
        {
            return NotFound();
        }

        Now = clock.GetUtcNow().UtcDateTime;
        Item = (await desk.ViewsAsync([request], history: true, cancellationToken))[0];
        Users = await desk.HotlineUsersAsync(cancellationToken);
        CareTasks = caller.Can(Permission.ProvideCare) ? await desk.CareTasksAsync(id, cancellationToken) : [];
        FlatResidents = await desk.FlatResidentsAsync(request, cancellationToken);
        Response.Headers.CacheControl = "no-store";
        if (error is not null)
        {
            Error = catalog.Message(error);
            Response.StatusCode = error.Status;
        }

        return Page();
    }
}
