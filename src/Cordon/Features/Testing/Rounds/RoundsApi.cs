using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// Testing rounds for machines: plan, open, close, reopen, exemptions. A round outside the caller's jurisdiction is
/// not found; one only partly inside it is seen but not run (<see cref="RoundAccess"/>).
/// </summary>
public static class RoundsApi
{
    public static IEndpointRouteBuilder MapRoundsApi(this IEndpointRouteBuilder app)
    {
        var rounds = app.MapApi("/testing/rounds");

        var read = rounds.MapGroup("").RequireAuthorization(RolePermissions.PolicyName(Permission.Sample));
        read.MapGet("", ListRounds);
        read.MapGet("/{id:guid}", GetRound);

        var run = rounds.MapGroup("").RequireAuthorization(RolePermissions.PolicyName(Permission.ManageTesting));
        run.MapPost("", CreateRound);
        run.MapPost("/{id:guid}/open", OpenRound);
        run.MapPost("/{id:guid}/close", CloseRound);
        run.MapPost("/{id:guid}/exemptions", Exempt);
        run.MapDelete("/{id:guid}/exemptions/{residentId:guid}", Unexempt);

        var command = rounds.MapGroup("").RequireAuthorization(RolePermissions.PolicyName(Permission.Command));
        command.MapPost("/{id:guid}/reopen", ReopenRound);
        return app;
    }

    public sealed record RoundView(
        Guid Id, string Name, RoundStatus Status, int PoolSize, DateTime StartsAt, DateTime EndsAt, RoundRule Rule, Guid? SeriesId, Guid? RecallOf,
        IReadOnlyList<Guid> NeighborhoodIds, IReadOnlyList<Guid> CompoundIds, IReadOnlyList<Guid> BuildingIds, DateTime? ClosedAt, string TubePrefix, int TubeLength);

    public sealed record ExemptionRequest(Guid ResidentId, ExemptionKind? Kind, string? Note);

    public sealed record ReopenRequest(string? Reason);

    public static async Task<Results<Created<RoundView>, ProblemHttpResult>> CreateRound(
        RoundRequest body, CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (round, error) = await Roster.CreateAsync(db, caller, body, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/testing/rounds/{round!.Id}", await ViewAsync(db, round, cancellationToken));
    }

    public static async Task<Ok<List<RoundView>>> ListRounds(CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        var views = new List<RoundView>();
        foreach (var round in await RoundAccess.VisibleAsync(db, caller, 200, cancellationToken))
        {
            views.Add(await ViewAsync(db, round, cancellationToken));
        }

        return TypedResults.Ok(views);
    }

    public static async Task<Results<Ok<RoundView>, NotFound>> GetRound(Guid id, CordonDb db, Caller caller, CancellationToken cancellationToken) =>
        await FindAsync(db, caller, id, run: false, tracked: false, cancellationToken) is { } round
            ? TypedResults.Ok(await ViewAsync(db, round, cancellationToken))
            : TypedResults.NotFound();

    /// <summary>Opens a round; the sample writer loads its people at once, so the first samples are as quick as the tenth.</summary>
    public static async Task<Results<Ok<RoundView>, NotFound, ProblemHttpResult>> OpenRound(
        Guid id, CordonDb db, Caller caller, Catalog catalog, SampleWriter writer, TimeProvider clock, CancellationToken cancellationToken)
    {
        var result = await ChangeAsync(id, db, caller, catalog, r => r.Open(clock.GetUtcNow().UtcDateTime), null, cancellationToken);
        if (result.Result is Ok<RoundView>)
        {
            writer.Warm(caller.SubdistrictId);
        }

        return result;
    }

    public static Task<Results<Ok<RoundView>, NotFound, ProblemHttpResult>> CloseRound(Guid id, CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(id, db, caller, catalog, r => r.Close(clock.GetUtcNow().UtcDateTime), null, cancellationToken);

    /// <summary>A commander reopens a round closed by mistake, within 24 hours, with a reason (audited).</summary>
    public static async Task<Results<Ok<RoundView>, NotFound, ProblemHttpResult>> ReopenRound(
        Guid id, ReopenRequest body, CordonDb db, Caller caller, Catalog catalog, SampleWriter writer, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (reason, words) = Reasons.Check(body.Reason);
        if (!words)
        {
            return catalog.Problem(TestingErrors.ReasonMissing);
        }

        var result = await ChangeAsync(id, db, caller, catalog, r => r.Reopen(clock.GetUtcNow().UtcDateTime), reason, cancellationToken);
        if (result.Result is Ok<RoundView>)
        {
            writer.Warm(caller.SubdistrictId);
        }

        return result;
    }

    public static async Task<Results<Ok, NotFound, ProblemHttpResult>> Exempt(
        Guid id, ExemptionRequest body, CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await FindAsync(db, caller, id, run: true, tracked: false, cancellationToken) is not { } round)
        {
            return TypedResults.NotFound();
        }

        if (await Exemptions.SetAsync(db, caller, round, body.ResidentId, body.Kind, body.Note, clock.GetUtcNow().UtcDateTime, cancellationToken) is { } error)
        {
            return catalog.Problem(error);
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok();
    }

    public static async Task<Results<NoContent, NotFound>> Unexempt(Guid id, Guid residentId, CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        if (await FindAsync(db, caller, id, run: true, tracked: false, cancellationToken) is null || !await Exemptions.RemoveAsync(db, id, residentId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The round if the caller sees it (or, with <paramref name="run"/>, may run it); else null, answered 404.</summary>
    public static async Task<TestingRound?> FindAsync(CordonDb db, Caller caller, Guid id, bool run, bool tracked, CancellationToken cancellationToken)
    {
        var rounds = tracked ? db.TestingRounds : db.TestingRounds.AsNoTracking();
        var round = await rounds.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (round is null)
        {
            return null;
        }

        return await (run ? RoundAccess.RunsAsync(db, caller, round, cancellationToken) : RoundAccess.SeesAsync(db, caller, round, cancellationToken)) ? round : null;
    }

    public static async Task<RoundView> ViewAsync(CordonDb db, TestingRound round, CancellationToken cancellationToken)
    {
        var scope = await Roster.ScopeAsync(db, round, cancellationToken);
        return new RoundView(round.Id, round.Name, round.Status, round.PoolSize, round.StartsAt, round.EndsAt, round.Rule, round.SeriesId, round.RecallOf,
            scope.Neighborhoods, scope.Compounds, scope.Buildings, round.ClosedAt, round.TubePrefix, round.TubeLength);
    }

    private static async Task<Results<Ok<RoundView>, NotFound, ProblemHttpResult>> ChangeAsync(
        Guid id, CordonDb db, Caller caller, Catalog catalog, Func<TestingRound, Error?> change, string? reason, CancellationToken cancellationToken)
    {
        if (await FindAsync(db, caller, id, run: true, tracked: true, cancellationToken) is not { } round)
        {
            return TypedResults.NotFound();
        }

        if (change(round) is { } error)
        {
            return catalog.Problem(error);
        }

        db.ChangeReason = reason;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await ViewAsync(db, round, cancellationToken));
    }
}
