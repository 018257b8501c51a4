using Cordon.Platform;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Cordon.Features.Ledger;

/// <summary>
/// Search within jurisdiction. The text goes in a POST body, never in the address (it may be an ID number);
/// searches are rate-limited per user and each one that returns people leaves an audit line (docs/decisions/009).
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
[EnableRateLimiting(PlatformSetup.SearchRateLimit)]
public sealed class SearchModel(CordonDb db, Caller caller, Catalog catalog, LocalTime time) : PageModel
{
    public const int PageSize = 50;

    [BindProperty]
    public string? Q { get; set; }

    [BindProperty(Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public NeedTag? Tag { get; set; }

    public List<ResidentRow> Results { get; private set; } = [];

    public int Total { get; private set; }

    public string? Refusal { get; private set; }

    public bool Searched { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        Tag is null ? Task.FromResult<IActionResult>(Page()) : RunAsync(cancellationToken);

    public Task<IActionResult> OnPostAsync(CancellationToken cancellationToken) => RunAsync(cancellationToken);

    private async Task<IActionResult> RunAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(Q) || Tag is not null)
        {
            Searched = true;
            if (Paging.Refuse(PageNumber) is { } bad)
            {
                Refusal = catalog.Message(bad);
            }
            else
            {
                var search = db.Search(new ResidentSearch(Q: Q?[..Math.Min(Q.Length, 64)], Tag: Tag), caller);
                if (search.Refused is { } refused)
                {
                    Refusal = catalog.Message(refused);
                }
                else
                {
                    (Results, Total) = await db.PageAsync(search.Residents, PageNumber, PageSize, caller, time.Today, cancellationToken);
                    await db.AuditReadAsync("resident-search", new { kind = search.Kind.ToString(), tag = Tag?.ToString(), page = PageNumber }, Results.Count, cancellationToken, AuditAction.Search);
                }
            }
        }

        return Request.Headers["HX-Request"] == "true" ? Partial("_SearchResults", this) : Page();
    }
}
