using Cordon.Platform.Auth;
using Cordon.Platform.Sites;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Sweeps;

/// <summary>A lockdown's sweep rounds on its page, with the button that plans the next.</summary>
internal sealed class SweepsSection : ISiteSection
{
    public int Order => 2;

    public string Component => "LockdownSweeps";
}

public sealed record LockdownSweepRow(Guid Id, int Round, string Label, int Teams, double Spread, DateTime CreatedAt);

public sealed record LockdownSweepsModel(Guid LockdownId, IReadOnlyList<LockdownSweepRow> Rows);

public sealed class LockdownSweepsViewComponent(SweepDesk desk, Caller caller) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid lockdownId) =>
        caller.Can(Permission.RunLockdowns)
            ? View("/Features/Sweeps/_LockdownSweeps.cshtml", new LockdownSweepsModel(lockdownId, await desk.Visible().AsNoTracking().Where(s => s.LockdownId == lockdownId)
                .OrderBy(s => s.Round).Select(s => new LockdownSweepRow(s.Id, s.Round, s.Label, s.Teams, s.Spread, s.CreatedAt)).ToListAsync(HttpContext.RequestAborted)))
            : Content("");
}
