using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Time;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Audit;

/// <summary>The audit log of the caller's sub-district, filtered and paged (htmx swaps the table).</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewAudit))]
public sealed class IndexModel(CordonDb db, LocalTime time) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Who { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? EntityType { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? EntityId { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public List<AuditEntry> Entries { get; private set; } = [];

    public bool HasMore { get; private set; }

    public IReadOnlyList<string> EntityTypes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var query = db.AuditLog.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(Action))
        {
            query = query.Where(a => a.Action == Action);
        }

        if (!string.IsNullOrWhiteSpace(Who))
        {
            query = query.Where(a => a.UserName.Contains(Who.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(EntityType))
        {
            query = query.Where(a => a.EntityType == EntityType);
        }

        if (!string.IsNullOrWhiteSpace(EntityId))
        {
            query = query.Where(a => a.EntityId == EntityId.Trim());
        }

        if (From is { } from)
        {
            var start = time.ToUtc(from.ToDateTime(TimeOnly.MinValue));
            query = query.Where(a => a.At >= start);
        }

        if (To is { } to)
        {
            var end = time.ToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue));
            query = query.Where(a => a.At < end);
        }

        PageNumber = Math.Max(1, PageNumber);
        var page = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(cancellationToken);
        HasMore = page.Count > PageSize;
        Entries = [.. page.Take(PageSize)];
        EntityTypes = await db.AuditLog.Where(a => a.EntityType != null).Select(a => a.EntityType!).Distinct().OrderBy(t => t).ToListAsync(cancellationToken);
        return Request.Headers["HX-Request"] == "true" ? Partial("_Entries", this) : Page();
    }

    public string PageLink(int page) =>
        QueryString.Create(new Dictionary<string, string?>
        {
            ["Action"] = Action,
            ["Who"] = Who,
            ["EntityType"] = EntityType,
            ["EntityId"] = EntityId,
            ["From"] = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["To"] = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Where(kv => !string.IsNullOrEmpty(kv.Value))).ToString();
}
