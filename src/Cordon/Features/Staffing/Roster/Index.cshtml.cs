using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing.Roster;

/// <summary>The roster, searched by name or mobile and filtered by role and neighborhood; a bulk read, audited like the API's.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageStaff))]
public sealed class IndexModel(CordonDb db) : PageModel
{
    public const int Shown = 200;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Role { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? NeighborhoodId { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Inactive { get; set; }

    public List<RosterApi.StaffItem> Items { get; private set; } = [];

    public int Total { get; private set; }

    public List<(Guid Id, string Name)> Neighborhoods { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Neighborhoods = [.. (await db.Neighborhoods.OrderBy(n => n.Name).Select(n => new { n.Id, n.Name }).ToListAsync(cancellationToken)).Select(n => (n.Id, n.Name))];
        var query = db.Roster(StaffRules.ParseRole(Role), NeighborhoodId, Q, Inactive ? null : true);
        Total = await query.CountAsync(cancellationToken);
        Items = await db.ItemsAsync(query.Take(Shown), cancellationToken);
        await db.AuditReadAsync("staff-list", new { role = Role, neighborhoodId = NeighborhoodId, inactive = Inactive, search = !string.IsNullOrWhiteSpace(Q) }, Items.Count, cancellationToken);
    }
}
