using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Ledger;

/// <summary>Search by name, phone or its last four digits, document number or address, within jurisdiction.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class SearchModel(CordonDb db, Caller caller) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public NeedTag? Tag { get; set; }

    public List<ResidentRow> Results { get; private set; } = [];

    public int Total { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(Q) || Tag is not null)
        {
            PageNumber = Math.Max(1, PageNumber);
            (Results, Total) = await db.PageAsync(db.Search(new ResidentSearch(Q: Q, Tag: Tag)), PageNumber, PageSize, caller, cancellationToken);
        }

        return Request.Headers["HX-Request"] == "true" ? Partial("_SearchResults", this) : Page();
    }
}
