using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cordon.Features.Sweeps;

/// <summary>Sweep rounds for machines (issue 13's contract, planning and packets); jurisdiction through the entrances' buildings.</summary>
public static class SweepsApi
{
    public static IEndpointRouteBuilder MapSweepsApi(this IEndpointRouteBuilder app)
    {
        var sweeps = app.MapApi("/sweeps").RequireAuthorization(RolePermissions.PolicyName(Permission.RunLockdowns));
        sweeps.MapPost("", Create);
        sweeps.MapGet("/{id:guid}", Get);
        sweeps.MapPut("/{id:guid}/teams", Move);
        sweeps.MapGet("/{id:guid}/packets/{team:int}", PacketOf);
        return app;
    }

    public sealed record MoveRequest(List<EntranceMove?>? Moves);

    public static async Task<Results<Created<SweepView>, Ok<SweepView>, ProblemHttpResult>> Create(SweepRequest body, SweepDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        var (sweep, created, error) = await desk.CreateAsync(body, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        var view = await desk.ViewAsync(sweep!, cancellationToken);
        return created ? TypedResults.Created($"/api/v1/sweeps/{sweep!.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<SweepView>, ProblemHttpResult>> Get(Guid id, SweepDesk desk, Catalog catalog, CancellationToken cancellationToken) =>
        await desk.FindAsync(id, cancellationToken) is { } sweep ? TypedResults.Ok(await desk.ViewAsync(sweep, cancellationToken)) : catalog.Problem(SweepErrors.NotFound);

    public static async Task<Results<Ok<SweepView>, ProblemHttpResult>> Move(Guid id, MoveRequest body, SweepDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } sweep)
        {
            return catalog.Problem(SweepErrors.NotFound);
        }

        return await desk.MoveAsync(sweep, body.Moves ?? [], cancellationToken) is { } error ? catalog.Problem(error) : TypedResults.Ok(await desk.ViewAsync(sweep, cancellationToken));
    }

    public static async Task<Results<Ok<Packet>, ProblemHttpResult>> PacketOf(Guid id, int team, SweepDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } sweep)
        {
            return catalog.Problem(SweepErrors.NotFound);
        }

        return await desk.PacketAsync(sweep, team, cancellationToken) is { } packet ? TypedResults.Ok(packet) : catalog.Problem(SweepErrors.TeamNotFound);
    }
}
