using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>
/// A commander records an order: buildings or whole compounds, the level, when it was received (T0). The form carries
/// a client-made id, so a second tap on a slow network returns the first lockdown instead of sealing twice.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.Command))]
public sealed class NewModel(LockdownDesk desk, CordonDb db, Catalog catalog, LocalTime time) : PageModel
{
    public sealed record BuildingOption(Guid Id, string Number);

    public sealed record CompoundOption(Guid Id, string Name, string Neighborhood, IReadOnlyList<BuildingOption> Buildings);

    public List<CompoundOption> Compounds { get; private set; } = [];

    [BindProperty]
    public Guid RequestId { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string Level { get; set; } = "sealed";

    [BindProperty]
    public List<Guid> BuildingIds { get; set; } = [];

    [BindProperty]
    public List<Guid> CompoundIds { get; set; } = [];

    /// <summary>T0 in Asia/Shanghai, as the commander reads it off the phone.</summary>
    [BindProperty]
    public DateTime? ReceivedAt { get; set; }

    [BindProperty]
    public string? OrderedBy { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public int PlannedDays { get; set; } = 14;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RequestId = Guid.CreateVersion7();
        var now = time.Now;
        ReceivedAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0);
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var request = new LockdownRequest(RequestId == Guid.Empty ? null : RequestId, Name, Level, BuildingIds, CompoundIds,
            ReceivedAt is { } r ? DateTime.SpecifyKind(r, DateTimeKind.Unspecified) : null, OrderedBy, Reason, PlannedDays, null);
        var (lockdown, _, error) = await desk.CreateAsync(request, cancellationToken);
        if (error is not null)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(error));
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Redirect(LockdownDesk.Link(lockdown!.Id));
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var compounds = await db.Compounds.AsNoTracking()
            .Join(db.Neighborhoods, c => c.NeighborhoodId, n => n.Id, (c, n) => new { c.Id, c.Name, Neighborhood = n.Name })
            .OrderBy(x => x.Neighborhood).ThenBy(x => x.Name).ToListAsync(cancellationToken);
        var buildings = (await db.Buildings.AsNoTracking().OrderBy(b => b.SortKey).ThenBy(b => b.Number)
            .Select(b => new { b.Id, b.Number, b.CompoundId }).ToListAsync(cancellationToken)).ToLookup(b => b.CompoundId);
        Compounds = [.. compounds.Select(c => new CompoundOption(c.Id, c.Name, c.Neighborhood, [.. buildings[c.Id].Select(b => new BuildingOption(b.Id, b.Number))]))];
    }
}
