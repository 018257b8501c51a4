using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing;

/// <summary>
/// Call-ups, answers, arrivals, duty and fatigue for machines (issue 12's contract). The commander's routes need
/// <see cref="Permission.ManageStaff"/>; the personal-link routes need only the link's token, rate-limited.
/// </summary>
public static class CallUpsApi
{
    public static IEndpointRouteBuilder MapCallUpsApi(this IEndpointRouteBuilder app)
    {
        var callUps = app.MapApi("/callups");
        var command = callUps.MapGroup("").RequireAuthorization(RolePermissions.PolicyName(Permission.ManageStaff));
        command.MapPost("", Create);
        command.MapPost("/preview", Preview);
        command.MapGet("", List);
        command.MapGet("/{id:guid}", Get);
        command.MapPost("/{id:guid}/invite", Invite);
        command.MapPost("/{id:guid}/close", Close);

        var links = callUps.MapGroup("").AllowAnonymous().RequireRateLimiting(PlatformSetup.LinkRateLimit);
        links.MapGet("/me/{token}", Me);
        links.MapPost("/respond/{token}", Respond);
        links.MapPost("/arrive/{token}", Arrive);
        links.MapPost("/signoff/{token}", SignOffByLink);

        app.MapApi("/duty").RequireAuthorization(RolePermissions.PolicyName(Permission.RunLockdowns))
            .MapPost("/{staffId:guid}/signoff", SignOff);

        var fatigue = app.MapApi("/staff/fatigue").RequireAuthorization(RolePermissions.PolicyName(Permission.ManageStaff));
        fatigue.MapGet("", FatigueList);
        fatigue.MapGet("/rules", GetRules);
        fatigue.MapPut("/rules", PutRules);
        return app;
    }

    public sealed record CallUpItem(Guid Id, Guid? LockdownId, string Title, string State, DateTime CreatedAt, int Need, int Coming, int Arrived);

    public sealed record RespondRequest(string? Answer, int? EtaMinutes);

    public sealed record ArriveRequest(string? SiteCode);

    public sealed record SignOffRequest(Guid? StaffId);

    public sealed record TeamMember(Guid StaffId, string Name, string Role, DateTime? ArrivedAt, bool OnDuty);

    /// <summary>What a personal link shows its holder: their call, their answer, and (for a leader) who of the team has arrived.</summary>
    public sealed record PersonalView(
        string Title, string ReportTo, string Message, string Name, string Role, string State, int? EtaMinutes, DateTime? ArrivedAt,
        bool OnDuty, DateTime ExpiresAt, bool Closed, IReadOnlyList<TeamMember> Team);

    public sealed record FatigueItem(
        Guid StaffId, string Name, string Organisation, IReadOnlyList<string> Roles, string State, DateTime? Until, double Hours24, double Hours7Days,
        int DaysInRow, bool MustRest);

    public sealed record RulesBody(int? MaxHoursIn24, int? MinRestHours, int? MaxDaysInRow);

    public static async Task<Results<Created<CallUpDesk.CallUpView>, Ok<CallUpDesk.CallUpView>, ProblemHttpResult>> Create(
        CallUpRequest body, HttpRequest request, CallUpDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        var (callUp, created, error) = await desk.CreateAsync(body, $"{request.Scheme}://{request.Host}{request.PathBase}", cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        var view = await desk.ViewAsync(callUp!, cancellationToken);
        return created ? TypedResults.Created($"/api/v1/callups/{callUp!.Id}", view) : TypedResults.Ok(view);
    }

    /// <summary>Who would be called, by name: a bulk read of the roster, audited.</summary>
    public static async Task<Results<Ok<Proposal>, ProblemHttpResult>> Preview(CallUpRequest body, CallUpDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        var (proposal, error) = await desk.ProposeAsync(body, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        await db.AuditReadAsync("callup-proposal", new { body.LockdownId }, proposal!.Needs.Sum(n => n.Now.Count + n.NotProposed.Count), cancellationToken);
        return TypedResults.Ok(proposal);
    }

    public static async Task<Ok<List<CallUpItem>>> List(Guid? lockdownId, CordonDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ListAsync(db, lockdownId, cancellationToken));

    /// <summary>The newest call-ups (of a lockdown, or all) with their totals: two queries.</summary>
    public static async Task<List<CallUpItem>> ListAsync(CordonDb db, Guid? lockdownId, CancellationToken cancellationToken)
    {
        var query = db.Set<CallUp>().AsNoTracking();
        if (lockdownId is { } id)
        {
            query = query.Where(c => c.LockdownId == id);
        }

        var callUps = await query.OrderByDescending(c => c.CreatedAt).Take(100).ToListAsync(cancellationToken);
        var ids = callUps.Select(c => c.Id).ToList();
        var needs = (await db.Set<CallUpNeed>().Where(n => ids.Contains(n.CallUpId)).GroupBy(n => n.CallUpId)
            .Select(g => new { g.Key, Need = g.Sum(n => n.Count) }).ToListAsync(cancellationToken)).ToDictionary(x => x.Key, x => x.Need);
        var answers = (await db.Set<Invitation>().Where(i => ids.Contains(i.CallUpId)).GroupBy(i => i.CallUpId)
            .Select(g => new { g.Key, Coming = g.Count(i => i.State == InvitationState.Coming), Arrived = g.Count(i => i.ArrivedAt != null) })
            .ToListAsync(cancellationToken)).ToDictionary(x => x.Key);
        return [.. callUps.Select(c => new CallUpItem(
            c.Id, c.LockdownId, c.Title, CallUpDesk.Lower(c.State), c.CreatedAt, needs.GetValueOrDefault(c.Id),
            answers.TryGetValue(c.Id, out var a) ? a.Coming : 0, answers.TryGetValue(c.Id, out var b) ? b.Arrived : 0))];
    }

    /// <summary>The commander's view, names and phones of everyone called: a bulk read, audited.</summary>
    public static async Task<Results<Ok<CallUpDesk.CallUpView>, ProblemHttpResult>> Get(Guid id, CallUpDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await db.Set<CallUp>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } callUp)
        {
            return catalog.Problem(CallUpErrors.NotFound);
        }

        var view = await desk.ViewAsync(callUp, cancellationToken);
        await db.AuditReadAsync("callup", new { callUp = id }, view.Invitations.Count, cancellationToken);
        return TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<CallUpDesk.CallUpView>, ProblemHttpResult>> Invite(
        Guid id, AddRequest body, CallUpDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await db.Set<CallUp>().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } callUp)
        {
            return catalog.Problem(CallUpErrors.NotFound);
        }

        return await desk.InviteAsync(callUp, body, cancellationToken) is { } error ? catalog.Problem(error) : TypedResults.Ok(await desk.ViewAsync(callUp, cancellationToken));
    }

    public static async Task<Results<Ok<CallUpDesk.CallUpView>, ProblemHttpResult>> Close(Guid id, CallUpDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await db.Set<CallUp>().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } callUp)
        {
            return catalog.Problem(CallUpErrors.NotFound);
        }

        return await desk.CloseAsync(callUp, cancellationToken) is { } error ? catalog.Problem(error) : TypedResults.Ok(await desk.ViewAsync(callUp, cancellationToken));
    }

    public static async Task<Results<Ok<PersonalView>, ProblemHttpResult>> Me(string token, CallUpDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        var (invitation, callUp, error) = await desk.OpenAsync(token, forArrival: true, cancellationToken);
        return invitation is null ? catalog.Problem(error!) : TypedResults.Ok(await PersonalAsync(db, invitation, callUp!, cancellationToken));
    }

    public static async Task<Results<Ok<PersonalView>, ProblemHttpResult>> Respond(
        string token, RespondRequest body, CallUpDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        var (invitation, callUp, error) = await desk.OpenAsync(token, forArrival: false, cancellationToken);
        error ??= await desk.RespondAsync(invitation!, callUp!, body.Answer, body.EtaMinutes, cancellationToken);
        return error is not null ? catalog.Problem(error) : TypedResults.Ok(await PersonalAsync(db, invitation!, callUp!, cancellationToken));
    }

    public static async Task<Results<Ok<PersonalView>, ProblemHttpResult>> Arrive(
        string token, ArriveRequest body, CallUpDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        var (invitation, callUp, error) = await desk.OpenAsync(token, forArrival: true, cancellationToken);
        error ??= await desk.ArriveAsync(invitation!, callUp!, body.SiteCode, cancellationToken);
        return error is not null ? catalog.Problem(error) : TypedResults.Ok(await PersonalAsync(db, invitation!, callUp!, cancellationToken));
    }

    /// <summary>The holder signs themselves off, or a leader of the same call-up signs off one of the team.</summary>
    public static async Task<Results<Ok<PersonalView>, ProblemHttpResult>> SignOffByLink(
        string token, SignOffRequest? body, CallUpDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        var (invitation, callUp, error) = await desk.OpenAsync(token, forArrival: true, cancellationToken);
        if (invitation is null)
        {
            return catalog.Problem(error!);
        }

        var signOffError = await desk.SignOffByLinkAsync(invitation, callUp!, body?.StaffId, cancellationToken);
        return signOffError is not null ? catalog.Problem(signOffError) : TypedResults.Ok(await PersonalAsync(db, invitation, callUp!, cancellationToken));
    }

    public static async Task<Results<Ok<FatigueItem>, ProblemHttpResult>> SignOff(
        Guid staffId, CallUpDesk desk, CordonDb db, LocalTime time, TimeProvider clock, Catalog catalog, CancellationToken cancellationToken)
    {
        if (!await db.Set<StaffMember>().AnyAsync(s => s.Id == staffId, cancellationToken))
        {
            return catalog.Problem(CallUpErrors.StaffNotFound);
        }

        var (shift, error) = await desk.SignOffAsync(staffId, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        var items = await FatigueAsync(db, time, clock.GetUtcNow().UtcDateTime, shift!.SubdistrictId, staffId, cancellationToken);
        return TypedResults.Ok(items.Single());
    }

    public static async Task<Ok<List<FatigueItem>>> FatigueList(CordonDb db, Caller caller, LocalTime time, TimeProvider clock, CancellationToken cancellationToken)
    {
        var items = await FatigueAsync(db, time, clock.GetUtcNow().UtcDateTime, caller.SubdistrictId, null, cancellationToken);
        await db.AuditReadAsync("staff-fatigue", null, items.Count, cancellationToken);
        return TypedResults.Ok(items);
    }

    /// <summary>Who has worked how much in the last 24 hours and 7 days; who must rest now first.</summary>
    public static async Task<List<FatigueItem>> FatigueAsync(CordonDb db, LocalTime time, DateTime now, Guid subdistrictId, Guid? only, CancellationToken cancellationToken)
    {
        var staff = await db.Set<StaffMember>().AsNoTracking().Where(s => s.Active && (only == null || s.Id == only))
            .Select(s => new { s.Id, s.Name, s.Organisation, s.Roles }).ToListAsync(cancellationToken);
        var since = now - Fatigue.Lookback;
        var shifts = (await db.Set<DutyShift>().AsNoTracking().Where(d => (d.EndedAt == null || d.EndedAt > since) && (only == null || d.StaffId == only))
            .Select(d => new { d.StaffId, d.StartedAt, d.EndedAt }).ToListAsync(cancellationToken)).ToLookup(d => d.StaffId, d => (d.StartedAt, d.EndedAt));
        var rules = await CallUpDesk.RulesAsync(db, subdistrictId, cancellationToken);
        return [.. staff.Select(s => (s, f: Fatigue.Of([.. shifts[s.Id]], rules, now, time.Zone)))
            .OrderByDescending(x => x.f.MustRest).ThenByDescending(x => x.f.State == DutyState.OnDuty).ThenByDescending(x => x.f.Hours24).ThenBy(x => x.s.Name, StringComparer.Ordinal)
            .Select(x => new FatigueItem(
                x.s.Id, x.s.Name, x.s.Organisation, [.. Enum.GetValues<StaffRoles>().Where(r => r != StaffRoles.None && (x.s.Roles & r) != 0).Select(StaffRules.Code)],
                CallUpDesk.Lower(x.f.State), x.f.Until, x.f.Hours24, x.f.Hours7Days, x.f.DaysInRow, x.f.MustRest))];
    }

    public static async Task<Ok<RulesBody>> GetRules(CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        var rules = await CallUpDesk.RulesAsync(db, caller.SubdistrictId, cancellationToken);
        return TypedResults.Ok(new RulesBody(rules.MaxHoursIn24, rules.MinRestHours, rules.MaxDaysInRow));
    }

    public static async Task<Results<Ok<RulesBody>, ProblemHttpResult>> PutRules(RulesBody body, CordonDb db, Caller caller, TimeProvider clock, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await SaveRulesAsync(db, caller, clock, body, cancellationToken) is { } error)
        {
            return catalog.Problem(error);
        }

        return TypedResults.Ok(body);
    }

    /// <summary>Hours in 24: 1–24; rest: 0–24; days in a row: 1–14. One row per sub-district, audited.</summary>
    public static async Task<Error?> SaveRulesAsync(CordonDb db, Caller caller, TimeProvider clock, RulesBody body, CancellationToken cancellationToken)
    {
        if (body.MaxHoursIn24 is not (>= 1 and <= 24) || body.MinRestHours is not (>= 0 and <= 24) || body.MaxDaysInRow is not (>= 1 and <= 14))
        {
            return CallUpErrors.RulesInvalid;
        }

        var rules = await db.Set<FatigueRules>().SingleOrDefaultAsync(cancellationToken);
        if (rules is null)
        {
            rules = new FatigueRules { SubdistrictId = caller.SubdistrictId };
            db.Set<FatigueRules>().Add(rules);
        }

        rules.MaxHoursIn24 = body.MaxHoursIn24.Value;
        rules.MinRestHours = body.MinRestHours.Value;
        rules.MaxDaysInRow = body.MaxDaysInRow.Value;
        rules.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        rules.UpdatedBy = caller.UserName;
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public static async Task<PersonalView> PersonalAsync(CordonDb db, Invitation invitation, CallUp callUp, CancellationToken cancellationToken)
    {
        var me = await db.Set<Invitation>().AsNoTracking().SingleAsync(i => i.Id == invitation.Id, cancellationToken);
        var name = await db.Set<StaffMember>().IgnoreQueryFilters().Where(s => s.Id == me.StaffId).Select(s => s.Name).SingleAsync(cancellationToken);
        var onDuty = await db.Set<DutyShift>().IgnoreQueryFilters().Where(d => d.StaffId == me.StaffId && d.EndedAt == null).Select(d => d.StaffId).ToListAsync(cancellationToken);
        List<TeamMember> team = [];
        if (me.Role == StaffRoles.Leader && me.ArrivedAt is not null)
        {
            var rows = await db.Set<Invitation>().IgnoreQueryFilters().AsNoTracking().Where(i => i.CallUpId == callUp.Id && i.ArrivedAt != null && i.Id != me.Id)
                .Join(db.Set<StaffMember>().IgnoreQueryFilters(), i => i.StaffId, s => s.Id, (i, s) => new { i.StaffId, s.Name, i.Role, i.ArrivedAt })
                .OrderBy(x => x.ArrivedAt).Take(200).ToListAsync(cancellationToken);
            var ids = rows.Select(r => r.StaffId).ToList();
            var duty = (await db.Set<DutyShift>().IgnoreQueryFilters().Where(d => ids.Contains(d.StaffId) && d.CallUpId == callUp.Id && d.EndedAt == null)
                .Select(d => d.StaffId).ToListAsync(cancellationToken)).ToHashSet();
            team = [.. rows.Select(r => new TeamMember(r.StaffId, Platform.People.Names.Mask(r.Name), StaffRules.Code(r.Role), r.ArrivedAt, duty.Contains(r.StaffId)))];
        }

        return new PersonalView(
            callUp.Title, callUp.ReportTo, callUp.Message, Platform.People.Names.Mask(name), StaffRules.Code(me.Role), CallUpDesk.Lower(me.State), me.EtaMinutes,
            me.ArrivedAt, onDuty.Count > 0, callUp.ExpiresAt, callUp.State == CallUpState.Closed, team);
    }
}
