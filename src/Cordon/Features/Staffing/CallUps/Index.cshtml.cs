using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Staffing.CallUps;

/// <summary>The call-ups of the sub-district, newest first, with their totals.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageStaff))]
public sealed class IndexModel(CordonDb db) : PageModel
{
    public List<CallUpsApi.CallUpItem> Items { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Items = await CallUpsApi.ListAsync(db, null, cancellationToken);
}
