using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

public sealed record BoardUnlock(bool Eligible, DateTime? EarliestAt, IReadOnlyList<string> Blockers);

public sealed record BoardTesting(string Round, int Done, int Residents);

public sealed record BoardItem(
    Guid Id, string Name, string Level, string Status, DateTime ReceivedAt, IReadOnlyList<MilestoneView> Milestones,
    int ChecklistDone, int ChecklistTotal, int Buildings, int Residents, BoardTesting Testing, BoardUnlock Unlock, Guid? TestingSeriesId);

/// <summary>Lockdowns for machines (issue 11's contract): ProblemDetails with <c>code</c>, zh/en; jurisdiction in every query.</summary>
public static class LockdownsApi
{
    public static IEndpointRouteBuilder MapLockdownsApi(this IEndpointRouteBuilder app)
    {
        var lockdowns = app.MapApi("/lockdowns");
        var read = lockdowns.MapGroup("").RequireAuthorization(RolePermissions.PolicyName(Permission.ViewResidents));
        read.MapGet("", List);
        read.MapGet("/{id:guid}", Get);

        var run = lockdowns.MapGroup("").RequireAuthorization(RolePermissions.PolicyName(Permission.RunLockdowns));
        run.MapPost("/{id:guid}/checkin", CheckIn);
        run.MapPost("/{id:guid}/milestones/{key}/done", Done);
        run.MapPost("/{id:guid}/checklist/{itemKey}", Tick);
        run.MapPost("/{id:guid}/disinfections", Disinfect);

        var command = lockdowns.MapGroup("").RequireAuthorization(RolePermissions.PolicyName(Permission.Command));
        command.MapPost("", Create);
        command.MapPost("/{id:guid}/unlock", Unlock);
        command.MapPost("/{id:guid}/close", Close);

        var plan = app.MapApi("/response-plan");
        plan.MapGet("", GetPlan).RequireAuthorization(RolePermissions.PolicyName(Permission.ViewResidents));
        plan.MapPut("", PutPlan).RequireAuthorization(RolePermissions.PolicyName(Permission.EditResponsePlan));
        return app;
    }

    public sealed record CreatedView(Guid Id, string Status, DateTime ReceivedAt, IReadOnlyList<MilestoneView> Milestones, Guid? TestingSeriesId);

    public sealed record DoneRequest(DateTime? At, string? Note);

    public sealed record TickRequest(bool? Done);

    public sealed record UnlockRequest(DateTime? At, bool? Override, string? Reason);

    public sealed record PlanView(int Version, IReadOnlyList<PlanMilestone> Milestones, IReadOnlyList<PlanCheck> Checklist, int CleanRoundHours, DateTime? CreatedAt, string CreatedBy);

    public sealed record PlanRequest(List<PlanMilestone>? Milestones, List<PlanCheck>? Checklist, int? CleanRoundHours);

    public static async Task<Results<Created<CreatedView>, Ok<CreatedView>, ProblemHttpResult>> Create(
        LockdownRequest body, LockdownDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        var (lockdown, created, error) = await desk.CreateAsync(body, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        var view = new CreatedView(lockdown!.Id, LockdownDesk.Lower(lockdown.Status.ToString()), lockdown.ReceivedAt,
            await MilestonesAsync(db, [lockdown.Id], cancellationToken) is var m && m.TryGetValue(lockdown.Id, out var list) ? list : [], lockdown.SeriesId);
        return created ? TypedResults.Created($"/api/v1/lockdowns/{lockdown.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<List<BoardItem>>, ProblemHttpResult>> List(string? status, LockdownDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        LockdownStatus? only = null;
        if (status is { Length: > 0 } && status != "open")
        {
            if (!Enum.TryParse<LockdownStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return catalog.Problem(HttpErrors.BadRequest);
            }

            only = parsed;
        }

        return TypedResults.Ok(await BoardAsync(desk, db, only, cancellationToken));
    }

    /// <summary>
    /// The board: the lockdowns the caller sees (all not closed, or one status), newest T0 first, in four queries
    /// whatever their number — the lockdowns with their stored unlock answer, their milestones, checklist counts
    /// and building counts.
    /// </summary>
    public static async Task<List<BoardItem>> BoardAsync(LockdownDesk desk, CordonDb db, LockdownStatus? only, CancellationToken cancellationToken)
    {
        var query = desk.Visible().AsNoTracking();
        query = only is { } s ? query.Where(l => l.Status == s) : query.Where(l => l.Status != LockdownStatus.Closed);
        var lockdowns = await query.OrderByDescending(l => l.ReceivedAt).Take(200).ToListAsync(cancellationToken);
        var ids = lockdowns.Select(l => l.Id).ToList();
        var milestones = await MilestonesAsync(db, ids, cancellationToken);
        var checks = (await db.Set<ChecklistItem>().Where(c => ids.Contains(c.LockdownId)).GroupBy(c => c.LockdownId)
            .Select(g => new { g.Key, Total = g.Count(), Done = g.Count(c => c.DoneAt != null) }).ToListAsync(cancellationToken)).ToDictionary(x => x.Key);
        var buildings = (await db.Set<LockdownBuilding>().IgnoreQueryFilters().Where(b => ids.Contains(b.LockdownId)).GroupBy(b => b.LockdownId)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken)).ToDictionary(x => x.Key, x => x.Count);
        return [.. lockdowns.Select(l => new BoardItem(
            l.Id, l.Name, LockdownDesk.Lower(l.Level.ToString()), LockdownDesk.Lower(l.Status.ToString()), l.ReceivedAt, milestones.GetValueOrDefault(l.Id) ?? [],
            checks.TryGetValue(l.Id, out var c) ? c.Done : 0, checks.TryGetValue(l.Id, out var t) ? t.Total : 0, buildings.GetValueOrDefault(l.Id), l.Residents,
            new BoardTesting(l.TestingRound, l.TestingDone, l.Residents),
            new BoardUnlock(l.UnlockEligible, l.EarliestUnlockAt, l.Blockers.Length == 0 ? [] : l.Blockers.Split(',')), l.SeriesId))];
    }

    public static async Task<Dictionary<Guid, List<MilestoneView>>> MilestonesAsync(CordonDb db, List<Guid> ids, CancellationToken cancellationToken) =>
        (await db.Set<Deadline>().AsNoTracking().Where(d => d.SubjectType == LockdownDesk.SubjectType && ids.Contains(d.SubjectId)).OrderBy(d => d.DueAt).ToListAsync(cancellationToken))
            .GroupBy(d => d.SubjectId).ToDictionary(g => g.Key, g => g.Select(LockdownDesk.Milestone).ToList());

    public static async Task<Results<Ok<LockdownView>, NotFound>> Get(Guid id, LockdownDesk desk, CancellationToken cancellationToken) =>
        await desk.FindAsync(id, cancellationToken) is { } lockdown ? TypedResults.Ok(await desk.ViewAsync(lockdown, cancellationToken)) : TypedResults.NotFound();

    public static Task<Results<Ok<LockdownView>, NotFound, ProblemHttpResult>> CheckIn(Guid id, DoneRequest? body, LockdownDesk desk, Catalog catalog, CancellationToken cancellationToken) =>
        ChangeAsync(id, desk, catalog, l => desk.CheckInAsync(l, body?.At, body?.Note, cancellationToken), cancellationToken);

    public static Task<Results<Ok<LockdownView>, NotFound, ProblemHttpResult>> Done(Guid id, string key, DoneRequest? body, LockdownDesk desk, Catalog catalog, CancellationToken cancellationToken) =>
        ChangeAsync(id, desk, catalog, l => desk.CompleteAsync(l, key, body?.At, body?.Note, cancellationToken), cancellationToken);

    public static Task<Results<Ok<LockdownView>, NotFound, ProblemHttpResult>> Tick(Guid id, string itemKey, TickRequest? body, LockdownDesk desk, Catalog catalog, CancellationToken cancellationToken) =>
        ChangeAsync(id, desk, catalog, l => desk.TickAsync(l, itemKey, body?.Done ?? true, cancellationToken), cancellationToken);

    public static async Task<Results<Ok<LockdownView>, NotFound, ProblemHttpResult>> Unlock(Guid id, UnlockRequest? body, LockdownDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } lockdown)
        {
            return TypedResults.NotFound();
        }

        var (error, unlock) = await desk.UnlockAsync(lockdown, body?.At, body?.Override ?? false, body?.Reason, cancellationToken);
        if (error is not null)
        {
            return catalog.ProblemWithDetails(error, error == LockdownErrors.UnlockBlocked ? new { blockers = unlock.Blockers, earliestAt = unlock.EarliestAt } : null);
        }

        return TypedResults.Ok(await desk.ViewAsync(lockdown, cancellationToken));
    }

    public static async Task<Results<Created<DisinfectionView>, Ok<DisinfectionView>, NotFound, ProblemHttpResult>> Disinfect(
        Guid id, LockdownDesk.DisinfectionRequest body, LockdownDesk desk, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } lockdown)
        {
            return TypedResults.NotFound();
        }

        var known = body.Id is { } clientId && await db.Set<Disinfection>().AnyAsync(d => d.Id == clientId, cancellationToken);
        var (record, error) = await desk.DisinfectAsync(lockdown, body, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        var number = await db.Buildings.Where(b => b.Id == record!.BuildingId).Select(b => b.Number).SingleOrDefaultAsync(cancellationToken) ?? "";
        var view = new DisinfectionView(record!.Id, record.BuildingId, number, record.Entrance, record.At, record.Agent, record.Areas, record.By);
        return known ? TypedResults.Ok(view) : TypedResults.Created($"/api/v1/lockdowns/{id}", view);
    }

    public static async Task<Results<Ok<LockdownView>, NotFound, ProblemHttpResult>> Close(Guid id, LockdownDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } lockdown)
        {
            return TypedResults.NotFound();
        }

        var (error, missing) = await desk.CloseAsync(lockdown, cancellationToken);
        if (error is not null)
        {
            return catalog.ProblemWithDetails(error, error == LockdownErrors.DisinfectionMissing ? new { missing } : null, missing.Count);
        }

        return TypedResults.Ok(await desk.ViewAsync(lockdown, cancellationToken));
    }

    public static async Task<Ok<PlanView>> GetPlan(CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        var plan = await ResponsePlan.CurrentAsync(db, caller.SubdistrictId, cancellationToken);
        return TypedResults.Ok(new PlanView(plan.Version, plan.MilestoneList, plan.CheckList, plan.CleanRoundHours, plan.Version == 0 ? null : plan.CreatedAt, plan.CreatedBy));
    }

    public static async Task<Results<Ok<PlanView>, ProblemHttpResult>> PutPlan(PlanRequest body, CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var milestones = body.Milestones ?? [];
        var checks = body.Checklist ?? [];
        if (milestones.Any(m => m is null) || checks.Any(c => c is null) || ResponsePlan.Check(milestones, checks, body.CleanRoundHours ?? 48) is { })
        {
            return catalog.Problem(LockdownErrors.PlanInvalid);
        }

        var plan = await ResponsePlan.AddVersionAsync(db, caller.SubdistrictId, milestones, checks, body.CleanRoundHours ?? 48, caller.UserName, clock.GetUtcNow().UtcDateTime, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new PlanView(plan.Version, plan.MilestoneList, plan.CheckList, plan.CleanRoundHours, plan.CreatedAt, plan.CreatedBy));
    }

    private static async Task<Results<Ok<LockdownView>, NotFound, ProblemHttpResult>> ChangeAsync(
        Guid id, LockdownDesk desk, Catalog catalog, Func<Lockdown, Task<Platform.Web.Error?>> change, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } lockdown)
        {
            return TypedResults.NotFound();
        }

        if (await change(lockdown) is { } error)
        {
            return catalog.Problem(error);
        }

        return TypedResults.Ok(await desk.ViewAsync(lockdown, cancellationToken));
    }
}
