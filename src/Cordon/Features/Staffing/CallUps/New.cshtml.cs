using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Cordon.Platform.Sites;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing.CallUps;

/// <summary>
/// The commander states the need as quotas and where to report; Cordon shows who it would call first (ring by ring),
/// the commander strikes or adds people (adding someone resting needs a reason) and calls. The form carries a
/// client-made id: a second tap on a slow network returns the first call-up.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageStaff))]
public sealed class NewModel(CallUpDesk desk, CordonDb db, ISites sites, Catalog catalog) : PageModel
{
    public static readonly StaffRoles[] RoleOrder =
        [StaffRoles.Leader, StaffRoles.Sweeper, StaffRoles.Sampler, StaffRoles.Gatekeeper, StaffRoles.Registrar, StaffRoles.Driver, StaffRoles.Other];

    public IReadOnlyList<Site> Lockdowns { get; private set; } = [];

    public List<(Guid Id, string Name)> Neighborhoods { get; private set; } = [];

    public Proposal? Proposal { get; private set; }

    [BindProperty]
    public Guid RequestId { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? LockdownId { get; set; }

    [BindProperty]
    public Guid? NeighborhoodId { get; set; }

    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? ReportTo { get; set; }

    [BindProperty]
    public string? Message { get; set; }

    [BindProperty]
    public int? WaitMinutes { get; set; }

    /// <summary>How many of each role (by code).</summary>
    [BindProperty]
    public Dictionary<string, int?> Counts { get; set; } = [];

    /// <summary>Everyone the preview proposed, and those still ticked: the difference is struck.</summary>
    [BindProperty]
    public List<Guid> Proposed { get; set; } = [];

    [BindProperty]
    public List<Guid> Keep { get; set; } = [];

    /// <summary>People the rules would not propose, ticked to call anyway, with the reason.</summary>
    [BindProperty]
    public List<Guid> Force { get; set; } = [];


    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RequestId = Guid.CreateVersion7();
        Counts = new() { ["leader"] = 1, ["sweeper"] = 16, ["sampler"] = 4, ["gatekeeper"] = 6 };
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken)
    {
        var (proposal, error) = await desk.ProposeAsync(Body(), cancellationToken);
        if (error is not null)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(error));
        }

        Proposal = proposal;
        Keep = [.. proposal?.Needs.SelectMany(n => n.Now).Select(c => c.StaffId) ?? []];
        if (proposal is not null)
        {
            await db.AuditReadAsync("callup-proposal", new { LockdownId }, proposal.Needs.Sum(n => n.Now.Count + n.NotProposed.Count), cancellationToken);
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var (callUp, _, error) = await desk.CreateAsync(Body(), $"{HttpContext.Request.Scheme}://{HttpContext.Request.Host}{HttpContext.Request.PathBase}", cancellationToken);
        if (error is not null)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(error));
            (Proposal, _) = await desk.ProposeAsync(Body(), cancellationToken);
            await LoadAsync(cancellationToken);
            return Page();
        }

        return Redirect(CallUpDesk.Link(callUp!.Id));
    }

    private CallUpRequest Body() => new(
        RequestId == Guid.Empty ? null : RequestId, LockdownId, LockdownId is null ? NeighborhoodId : null, Title, ReportTo,
        [.. RoleOrder.Select(StaffRules.Code).Where(code => Counts.GetValueOrDefault(code) is > 0).Select(code => new NeedRequest(code, Counts[code]))],
        Message, WaitMinutes, [.. Proposed.Except(Keep)],
        [.. Force.Distinct().Select(id => new AddRequest(id, Field($"ForceRoles[{id}]"), Field($"Reasons[{id}]")))]);

    // Read by hand: a dictionary keyed by id would be bound from every field of the form when none is sent.
    private string? Field(string name) => HttpContext.Request.HasFormContentType && HttpContext.Request.Form.TryGetValue(name, out var value) ? value.ToString() : null;

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Lockdowns = await sites.InForceAsync(db, cancellationToken);
        Neighborhoods = [.. (await db.Neighborhoods.AsNoTracking().OrderBy(n => n.Name).Select(n => new { n.Id, n.Name }).ToListAsync(cancellationToken)).Select(n => (n.Id, n.Name))];
    }
}
