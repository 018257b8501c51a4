using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Sites;
using Microsoft.AspNetCore.Mvc;

namespace Cordon.Features.Staffing;

/// <summary>A lockdown's call-ups on its page: their totals, the button to call people up, the site QR to print.</summary>
internal sealed class CallUpsSection : ISiteSection
{
    public int Order => 1;

    public string Component => "LockdownCallUps";
}

public sealed record LockdownCallUpsModel(Guid LockdownId, IReadOnlyList<CallUpsApi.CallUpItem> Items, bool CanCall);

public sealed class LockdownCallUpsViewComponent(CordonDb db, Caller caller) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid lockdownId) =>
        View("/Features/Staffing/_LockdownCallUps.cshtml", new LockdownCallUpsModel(
            lockdownId, caller.Can(Permission.ManageStaff) ? await CallUpsApi.ListAsync(db, lockdownId, HttpContext.RequestAborted) : [], caller.Can(Permission.ManageStaff)));
}
