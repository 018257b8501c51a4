using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Hotline.Pages;

/// <summary>
/// The duty desk: a call recorded in seconds (number, flat by compound and room, category, urgency, text), possible
/// duplicates shown before saving, then the open requests by deadline; mine, overdue, closed; today's figures.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.AnswerHotline))]
public sealed class IndexModel(HotlineDesk desk, CordonDb db, Catalog catalog, LocalTime time, TimeProvider clock, Caller caller) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? View { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? NeighborhoodId { get; set; }

    [BindProperty]
    public Guid RequestId { get; set; }

    [BindProperty]
    public string? CallerPhone { get; set; }

    [BindProperty]
    public Guid? CompoundId { get; set; }

    [BindProperty]
    public string? Room { get; set; }

    [BindProperty]
    public string Category { get; set; } = "food";

    [BindProperty]
    public bool Urgent { get; set; }

    [BindProperty]
    public string Channel { get; set; } = "phone";

    [BindProperty]
    public string? Text { get; set; }

    public List<RequestView> Requests { get; private set; } = [];

    public List<RequestRef> Duplicates { get; private set; } = [];

    public List<(Guid Id, string Name)> Compounds { get; private set; } = [];

    public List<(Guid Id, string Name)> Neighborhoods { get; private set; } = [];

    public RequestStats Stats { get; private set; } = null!;

    public DateTime Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RequestId = Guid.CreateVersion7();
        await LoadAsync(cancellationToken);
    }

    /// <summary>Records the call; with possible duplicates and no confirmation yet, shows them first and saves nothing.</summary>
    public async Task<IActionResult> OnPostAsync(bool confirm, Guid? into, CancellationToken cancellationToken)
    {
        Guid? flatId = null;
        if (CompoundId is { } compound && !string.IsNullOrWhiteSpace(Room))
        {
            var (found, error) = await FlatAsync(compound, Room, cancellationToken);
            if (error is not null)
            {
                ModelState.AddModelError(nameof(Room), catalog.Message(error));
                return await ShowAsync(cancellationToken);
            }

            flatId = found;
        }
        else if (CompoundId is null && caller.MaySearchByNumber() && Platform.People.ResidentRules.PhoneNumber(CallerPhone).Value is { } phone)
        {
            // No address given: the caller's phone in the ledger names the flat when it names exactly one.
            var flats = await db.Residents.AsNoTracking().Where(r => r.Phone == phone && r.Status != Platform.People.ResidenceStatus.MovedOut)
                .Select(r => r.FlatId).Distinct().Take(2).ToListAsync(cancellationToken);
            flatId = flats.Count == 1 ? flats[0] : null;
        }

        var command = new RequestCommand(RequestId == Guid.Empty ? null : RequestId, CallerPhone, flatId, Category, Urgent ? "urgent" : "normal", Text, null, Channel);
        if (!confirm && into is null)
        {
            Duplicates = await desk.DuplicatesAsync(new HotlineRequest
            {
                Id = command.Id ?? Guid.Empty,
                CallerPhone = Platform.People.ResidentRules.PhoneNumber(CallerPhone).Value,
                FlatId = flatId,
                Category = Enum.TryParse<RequestCategory>(Category, true, out var c) ? c : RequestCategory.Other,
                ReceivedAt = clock.GetUtcNow().UtcDateTime,
            }, cancellationToken);
            if (Duplicates.Count > 0)
            {
                return await ShowAsync(cancellationToken);
            }
        }

        var (request, _, failed) = await desk.CreateAsync(command, cancellationToken);
        if (failed is not null)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(failed));
            return await ShowAsync(cancellationToken);
        }

        if (into is { } target && await desk.FindAsync(request!.Id, cancellationToken) is { } saved && await desk.MergeAsync(saved, target, cancellationToken) is null)
        {
            return Redirect(HotlineDesk.Link(target));
        }

        return Redirect(HotlineDesk.Link(request!.Id));
    }

    private async Task<(Guid? Flat, Error? Error)> FlatAsync(Guid compound, string room, CancellationToken cancellationToken)
    {
        if (Address.TryParse(room) is not { } place)
        {
            return (null, RequestErrors.FlatNotFound);
        }

        var flats = await db.Flats.AsNoTracking().Where(f => f.CompoundId == compound && f.Room == place.Room && (place.Entrance == null || f.Entrance == place.Entrance))
            .Join(db.Buildings.Where(b => b.Number == place.Building), f => f.BuildingId, b => b.Id, (f, b) => f.Id).Take(2).ToListAsync(cancellationToken);
        return flats.Count == 1 ? (flats[0], null) : (null, RequestErrors.FlatNotFound);
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        Response.StatusCode = ModelState.IsValid ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        var list = View switch
        {
            "mine" => await desk.ListAsync(RequestState.Open, overdue: false, mine: true, NeighborhoodId, cancellationToken),
            "overdue" => await desk.ListAsync(RequestState.Open, overdue: true, mine: false, NeighborhoodId, cancellationToken),
            "closed" => await desk.ListAsync(RequestState.Closed, overdue: false, mine: false, NeighborhoodId, cancellationToken),
            _ => await desk.ListAsync(RequestState.Open, overdue: false, mine: false, NeighborhoodId, cancellationToken),
        };
        Requests = await desk.ViewsAsync(list, history: false, cancellationToken);
        Stats = await desk.StatsAsync(time.Today, cancellationToken);
        Compounds = [.. (await db.Compounds.AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken)).Select(c => (c.Id, c.Name))];
        Neighborhoods = [.. (await db.Neighborhoods.AsNoTracking().OrderBy(n => n.Name).Select(n => new { n.Id, n.Name }).ToListAsync(cancellationToken)).Select(n => (n.Id, n.Name))];
    }
}
