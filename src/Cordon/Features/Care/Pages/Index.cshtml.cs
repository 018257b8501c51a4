using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Care.Pages;

/// <summary>The needs register: who needs what and how often, per compound; who has not been reached today; a contact logged in two taps.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ProvideCare))]
public sealed class IndexModel(CareRegister register, CordonDb db, Catalog catalog) : PageModel
{
    /// <summary>Cards a phone is given at once: a neighborhood has hundreds of people, each card with its own form.</summary>
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public Guid? CompoundId { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public bool NotContacted { get; set; }

    public CareRegisterView Register { get; private set; } = null!;

    /// <summary>The cards of this page: the register's order (overdue first, then not reached today), a page of it.</summary>
    public List<RegisterEntry> Shown { get; private set; } = [];

    public bool HasMore => PageNumber * PageSize < Register.Items.Count;

    public string PageLink(int page) =>
        "/Care?p=" + page + (CompoundId is { } c ? "&CompoundId=" + c : "") + (NotContacted ? "&NotContacted=true" : "");

    public List<(Guid Id, string Name)> Compounds { get; private set; } = [];

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public string Every(string recurrence) => CarePlans.Describe(recurrence, catalog);

    /// <summary>The compound and the flat of an address ("政立路580弄", "41号-3301"): a phone breaks the line between them, never inside the flat.</summary>
    public static (string Compound, string Flat) Split(string address) =>
        address.IndexOf(' ', StringComparison.Ordinal) is > 0 and var i ? (address[..i], address[(i + 1)..]) : (address, "");

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Paging.Refuse(PageNumber) is not null)
        {
            return BadRequest();
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostContactAsync(Guid residentId, Guid contactId, string? channel, string? outcome, string? note, CancellationToken cancellationToken)
    {
        var (_, _, failure) = await register.ContactAsync(new ContactCommand(contactId, residentId, channel, outcome, note, null), cancellationToken);
        if (failure is not null)
        {
            Error = catalog.Message(failure.Error, failure.Args);
            Response.StatusCode = failure.Error.Status;
        }
        else
        {
            var name = await db.Residents.AsNoTracking().Where(r => r.Id == residentId).Select(r => r.Name).SingleOrDefaultAsync(cancellationToken);
            Message = catalog.Text("care.contact-saved", name ?? "—");
        }

        PageNumber = Math.Clamp(PageNumber, 1, Paging.MaxPage);

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        Register = await register.ListAsync(CompoundId, null, NotContacted, cancellationToken);
        Shown = [.. Register.Items.Skip((PageNumber - 1) * PageSize).Take(PageSize)];
        Compounds = [.. (await db.Compounds.AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken)).Select(c => (c.Id, c.Name))];
    }
}
