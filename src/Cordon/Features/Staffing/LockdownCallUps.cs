using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Sites;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

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

/// <summary>On each lockdown's board card: its call-ups' people as arrived / coming / needed (two queries for the whole board).</summary>
internal sealed class CallUpFacts(Caller caller) : ISiteFacts
{
    public async Task<Dictionary<Guid, SiteFact>> FactsAsync(CordonDb db, IReadOnlyList<Guid> lockdownIds, CancellationToken cancellationToken)
    {
        if (!caller.Can(Permission.ManageStaff) || lockdownIds.Count == 0)
        {
            return [];
        }

        var open = db.Set<CallUp>().Where(c => c.LockdownId != null && lockdownIds.Contains(c.LockdownId.Value) && c.State != CallUpState.Closed);
        var needs = (await db.Set<CallUpNeed>().Join(open, n => n.CallUpId, c => c.Id, (n, c) => new { c.LockdownId, n.Count })
            .GroupBy(x => x.LockdownId).Select(g => new { g.Key, Need = g.Sum(x => x.Count) }).ToListAsync(cancellationToken)).ToDictionary(x => x.Key!.Value, x => x.Need);
        var people = (await db.Set<Invitation>().Join(open, i => i.CallUpId, c => c.Id, (i, c) => new { c.LockdownId, i.State, i.ArrivedAt })
            .GroupBy(x => x.LockdownId).Select(g => new { g.Key, Coming = g.Count(x => x.State == InvitationState.Coming), Arrived = g.Count(x => x.ArrivedAt != null) })
            .ToListAsync(cancellationToken)).ToDictionary(x => x.Key!.Value);
        return needs.ToDictionary(n => n.Key, n => new SiteFact("callup.board-fact",
            $"{(people.TryGetValue(n.Key, out var p) ? p.Arrived : 0)} / {p?.Coming ?? 0} / {n.Value}"));
    }
}

/// <summary>A lockdown's leaders and sweepers who have arrived and not signed off, first arrived first: a sweep's teams.</summary>
internal sealed class SiteCrew : ISiteCrew
{
    public async Task<IReadOnlyList<CrewMember>> OnSiteAsync(CordonDb db, Guid lockdownId, CancellationToken cancellationToken)
    {
        var arrived = await db.Set<Invitation>()
            .Where(i => i.ArrivedAt != null && (i.Role == StaffRoles.Leader || i.Role == StaffRoles.Sweeper))
            .Join(db.Set<CallUp>().Where(c => c.LockdownId == lockdownId), i => i.CallUpId, c => c.Id, (i, c) => i)
            .Where(i => db.Set<DutyShift>().Any(d => d.StaffId == i.StaffId && d.CallUpId == i.CallUpId && d.EndedAt == null))
            .Join(db.Set<StaffMember>(), i => i.StaffId, s => s.Id, (i, s) => new { s.Id, s.Name, i.Role, i.ArrivedAt })
            .ToListAsync(cancellationToken);
        return [.. arrived.OrderBy(a => a.ArrivedAt).DistinctBy(a => a.Id).Select(a => new CrewMember(a.Id, a.Name, a.Role == StaffRoles.Leader))];
    }
}
