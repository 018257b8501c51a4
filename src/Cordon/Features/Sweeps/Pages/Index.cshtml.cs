using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Sites;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Sweeps.Pages;

/// <summary>
/// Sweep rounds (newest first) and the form that plans one: a lockdown or compounds, the round, the teams. A volunteer
/// (<see cref="Permission.VisitDoors"/> without <see cref="Permission.RunLockdowns"/>) sees the rounds and opens their
/// team's phone page from here; planning stays with staff.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.VisitDoors))]
public sealed class IndexModel(SweepDesk desk, CordonDb db, ISites sites, Catalog catalog, Caller caller) : PageModel
{
    public bool CanPlan => caller.Can(Permission.RunLockdowns);

    public sealed record Row(Guid Id, string Scope, int Round, string Label, int Teams, double Spread, DateTime CreatedAt);

    public List<Row> Rows { get; private set; } = [];

    public IReadOnlyList<Site> Lockdowns { get; private set; } = [];

    public List<(Guid Id, string Name)> Compounds { get; private set; } = [];

    [BindProperty]
    public Guid RequestId { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? LockdownId { get; set; }

    [BindProperty]
    public List<Guid> CompoundIds { get; set; } = [];

    [BindProperty]
    public int? Round { get; set; }

    [BindProperty]
    public string? Label { get; set; }

    [BindProperty]
    public int Teams { get; set; } = 16;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RequestId = Guid.CreateVersion7();
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!CanPlan)
        {
            return Forbid();
        }

        var (sweep, _, error) = await desk.CreateAsync(new SweepRequest(RequestId == Guid.Empty ? null : RequestId, LockdownId, LockdownId is null ? CompoundIds : null, Round, Label, Teams), cancellationToken);
        if (error is not null)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(error));
            Response.StatusCode = error.Status;
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Redirect($"/Sweeps/Details?id={sweep!.Id}");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Rows = await desk.Visible().AsNoTracking().OrderByDescending(s => s.CreatedAt).Take(100)
            .Select(s => new Row(s.Id, s.Scope, s.Round, s.Label, s.Teams, s.Spread, s.CreatedAt)).ToListAsync(cancellationToken);
        if (!CanPlan)
        {
            return;
        }

        Lockdowns = await sites.InForceAsync(db, cancellationToken);
        Compounds = [.. (await db.Compounds.AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken)).Select(c => (c.Id, c.Name))];
    }
}
