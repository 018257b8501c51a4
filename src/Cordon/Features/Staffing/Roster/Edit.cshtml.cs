using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing.Roster;

/// <summary>
/// Adds a person to the roster or corrects one, with the import's rules; deactivating keeps the row (and its call-up
/// history) but no call-up reaches them. A concurrent edit is refused, not overwritten; a double-submitted add is stored once.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageStaff))]
public sealed class EditModel(CordonDb db, Caller caller, Catalog catalog, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    [BindProperty]
    public Guid RequestId { get; set; } = Guid.CreateVersion7();

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Mobile { get; set; }

    [BindProperty]
    public string? Organisation { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    [BindProperty]
    public Guid? NeighborhoodId { get; set; }

    [BindProperty]
    public int? TravelMinutes { get; set; }

    [BindProperty]
    public bool NightCallable { get; set; } = true;

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public bool Active { get; set; } = true;

    [BindProperty]
    public int Version { get; set; }

    public List<(Guid Id, string Name)> Neighborhoods { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Id is { } id)
        {
            var staff = await db.Staff.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
            if (staff is null)
            {
                return NotFound();
            }

            (Name, Mobile, Organisation, NeighborhoodId, TravelMinutes) = (staff.Name, staff.Mobile, staff.Organisation, staff.NeighborhoodId, staff.TravelMinutes);
            (NightCallable, UserName, Active, Version) = (staff.NightCallable, staff.UserName, staff.Active, staff.Version);
            Roles = [.. StaffRules.Codes(staff.Roles)];
        }

        await NeighborhoodsAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (Id is null && await db.Staff.AnyAsync(s => s.Id == RequestId, cancellationToken))
        {
            return Redirect("/Staff");
        }

        var neighborhood = NeighborhoodId is { } n
            ? await db.Neighborhoods.Where(x => x.Id == n).Select(x => x.Name).SingleOrDefaultAsync(cancellationToken) ?? n.ToString()
            : null;
        var input = new StaffInput(Name, Mobile, Organisation, string.Join(",", Roles), neighborhood,
            TravelMinutes?.ToString(System.Globalization.CultureInfo.InvariantCulture), NightCallable ? "1" : "0");
        var saved = await db.SaveStaffAsync(caller, clock, Id, Id is null ? RequestId : null, input, UserName ?? "", Active, Id is null ? null : Version, cancellationToken);
        return await OutcomeAsync(saved, cancellationToken);
    }

    /// <summary>停用 / 启用 without touching the other fields.</summary>
    public async Task<IActionResult> OnPostActiveAsync(bool active, CancellationToken cancellationToken)
    {
        var staff = await db.Staff.SingleOrDefaultAsync(s => s.Id == Id, cancellationToken);
        if (staff is null)
        {
            return NotFound();
        }

        db.Entry(staff).Property(s => s.Version).OriginalValue = Version;
        staff.Version++;
        staff.Active = active;
        staff.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(StaffingErrors.EditConflict));
            return await OnGetAsync(cancellationToken);
        }

        return Redirect("/Staff");
    }

    private async Task<IActionResult> OutcomeAsync(StaffSave saved, CancellationToken cancellationToken)
    {
        if (saved.NotFound)
        {
            return NotFound();
        }

        if (saved.Refused is { } refused)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(refused));
        }

        foreach (var e in saved.Errors)
        {
            ModelState.AddModelError(e.Field switch
            {
                StaffRules.Fields.Name => nameof(Name),
                StaffRules.Fields.Mobile => nameof(Mobile),
                StaffRules.Fields.Organisation => nameof(Organisation),
                StaffRules.Fields.Roles => nameof(Roles),
                StaffRules.Fields.Neighborhood => nameof(NeighborhoodId),
                StaffRules.Fields.TravelMinutes => nameof(TravelMinutes),
                StaffRules.Fields.UserName => nameof(UserName),
                _ => string.Empty,
            }, catalog.Message(e.Error, e.Argument));
        }

        if (!ModelState.IsValid)
        {
            await NeighborhoodsAsync(cancellationToken);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        return Redirect("/Staff");
    }

    private async Task NeighborhoodsAsync(CancellationToken cancellationToken) =>
        Neighborhoods = [.. (await db.Neighborhoods.OrderBy(n => n.Name).Select(n => new { n.Id, n.Name }).ToListAsync(cancellationToken)).Select(n => (n.Id, n.Name))];
}
