using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger.Residents;

/// <summary>One resident: details masked as the role requires, reveal with a reason, sampling code, history.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class IndexModel(CordonDb db, Caller caller, Catalog catalog, LocalTime time) : PageModel
{
    public Resident Resident { get; private set; } = null!;

    public ResidentRow Row { get; private set; } = null!;

    public string? RevealedField { get; private set; }

    public string? RevealedValue { get; private set; }

    public string? RevealError { get; private set; }

    public IEnumerable<IResidentSection> Sections { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, [FromServices] IEnumerable<IResidentSection> sections, CancellationToken cancellationToken)
    {
        Sections = sections;
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    [Requires(Permission.RevealPersonalData)]
    public async Task<IActionResult> OnPostRevealAsync(Guid id, string? field, string? reason, [FromServices] IEnumerable<IResidentSection> sections, CancellationToken cancellationToken)
    {

        Sections = sections;
        var result = await db.RevealAsync(id, field, reason, cancellationToken);
        if (!result.Found && result.Error is null)
        {
            return NotFound();
        }

        RevealedField = field;
        RevealedValue = result.Value;
        RevealError = result.Error is { } error ? catalog.Message(error) : null;
        if (Request.Headers["HX-Request"] == "true")
        {
            return Partial("_Reveal", this);
        }

        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var resident = await db.Residents.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (resident is null)
        {
            return false;
        }

        Resident = resident;
        Row = (await db.Rows(db.Residents.AsNoTracking().Where(r => r.Id == id)).SingleAsync(cancellationToken)).Masked(caller, time.Today);
        return true;
    }
}
