using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Offline;
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

        // The teams' side: staff and volunteers walking a packet.
        var field = app.MapApi("/sweeps").RequireAuthorization(RolePermissions.PolicyName(Permission.VisitDoors));
        field.MapGet("/{id:guid}/packets/{team:int}", PacketOf);
        field.MapPost("/{id:guid}/visits", Visit);
        field.MapPost("/{id:guid}/visits:batch", VisitBatch);
        field.MapGet("/{id:guid}/progress", Progress);
        field.MapGet("/{id:guid}/compare", Compare);
        return app;
    }

    /// <summary>Entrances moved between teams, and/or who is in each team (names as typed, or from the call-up).</summary>
    public sealed record MoveRequest(List<EntranceMove?>? Moves, List<TeamMembers?>? Members);

    /// <summary>The batch contract of every offline queue (docs/decisions/010): one result per item, in the order sent.</summary>
    public sealed record VisitItemResult(Guid Id, int Index, int Status, VisitView? Record, string? Code, string? Detail, string? Zh, string? En, ItemDetails? Details);

    /// <summary>Where an item was refused, and whether the conflict inbox could not take it.</summary>
    public sealed record ItemDetails(string? Field, string? Inbox);

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

        if (body.Members is { Count: > 0 } members && await desk.NameAsync(sweep, members, cancellationToken) is { } named)
        {
            return catalog.Problem(named);
        }

        if ((body.Moves is { Count: > 0 } || body.Members is not { Count: > 0 }) && await desk.MoveAsync(sweep, body.Moves ?? [], cancellationToken) is { } error)
        {
            return catalog.Problem(error);
        }

        return TypedResults.Ok(await desk.ViewAsync(sweep, cancellationToken));
    }

    public static async Task<Results<Ok<Packet>, ProblemHttpResult>> PacketOf(Guid id, int team, SweepDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } sweep)
        {
            return catalog.Problem(SweepErrors.NotFound);
        }

        return await desk.PacketAsync(sweep, team, cancellationToken) is { } packet ? TypedResults.Ok(packet) : catalog.Problem(SweepErrors.TeamNotFound);
    }

    /// <summary>201 with the visit; 200 with the first visit for a retry; 409 for the same id with other content; 422 with a code and a field otherwise.</summary>
    public static async Task<Results<Created<VisitView>, Ok<VisitView>, ProblemHttpResult>> Visit(
        Guid id, VisitCommand body, SweepDesk desk, VisitDesk visits, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } sweep)
        {
            return catalog.Problem(SweepErrors.NotFound);
        }

        var outcome = await visits.RecordAsync(sweep, body, cancellationToken);
        return outcome switch
        {
            { Status: StatusCodes.Status201Created, Visit: { } visit } => TypedResults.Created($"/api/v1/sweeps/{id}/visits/{visit.Id}", visit),
            { Visit: { } visit } => TypedResults.Ok(visit),
            _ => catalog.ProblemWithDetails(outcome.Error!, new { field = outcome.Field }, outcome.Args),
        };
    }

    /// <summary>
    /// The offline queue's way in: many visits, one result each with the single endpoint's status codes, in device
    /// order. A <c>null</c> or a bad item is refused alone with its index and field; refusals go to the conflict inbox.
    /// </summary>
    public static async Task<Results<Ok<VisitItemResult?[]>, ProblemHttpResult>> VisitBatch(
        Guid id, List<VisitCommand?>? body, SweepDesk desk, VisitDesk visits, Catalog catalog, ConflictInbox inbox, CordonDb db, HttpContext http,
        ILogger<VisitDesk> log, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return catalog.Problem(HttpErrors.BodyInvalid, "$", 1, 1);
        }

        if (body.Count > VisitDesk.MaxBatch)
        {
            return catalog.Problem(VisitErrors.BatchTooLarge, VisitDesk.MaxBatch);
        }

        if (await desk.FindAsync(id, cancellationToken) is not { } sweep)
        {
            return catalog.Problem(SweepErrors.NotFound);
        }

        var results = new VisitItemResult?[body.Count];
        var refused = new List<RefusedWrite>();
        foreach (var (command, index) in body.Select((c, i) => (c, i)).OrderBy(x => x.c?.DeviceId, StringComparer.Ordinal).ThenBy(x => x.c?.DeviceSequence ?? long.MaxValue))
        {
            if (command is null)
            {
                results[index] = Item(catalog, Guid.Empty, index, VisitErrors.ItemInvalid, ["$[" + index + "]"], new ItemDetails("$[" + index + "]", null));
                continue;
            }

            VisitOutcomeResult outcome;
            try
            {
                outcome = await visits.RecordAsync(sweep, command, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // This item alone failed; the others go on.
                log.LogError(e, "Visit {Index} of a batch failed", index);
                db.ChangeTracker.Clear();
                results[index] = Item(catalog, command.Id, index, new Error("server_error", StatusCodes.Status500InternalServerError), [http.TraceIdentifier], null);
                continue;
            }

            if (outcome.Error is { } error)
            {
                var item = Item(catalog, command.Id, index, error, outcome.Args, new ItemDetails(outcome.Field, null));
                results[index] = item;
                refused.Add(SweepConflicts.Refused(sweep.Id, command, outcome, item.Zh ?? "", item.En ?? ""));
            }
            else
            {
                results[index] = new VisitItemResult(command.Id, index, outcome.Status, outcome.Visit, null, null, null, null, null);
            }
        }

        var overflow = await inbox.RecordAsync(SweepConflicts.Feature, refused, cancellationToken);
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i] is { } r && overflow.Contains(r.Id) && r.Code is not null)
            {
                results[i] = r with { Details = new ItemDetails(r.Details?.Field, ConflictInbox.InboxFull.Code) };
            }
        }

        return TypedResults.Ok(results);
    }

    public static async Task<Results<Ok<SweepProgress>, ProblemHttpResult>> Progress(Guid id, SweepDesk desk, SweepRounds rounds, Catalog catalog, CancellationToken cancellationToken) =>
        await desk.FindAsync(id, cancellationToken) is { } sweep ? TypedResults.Ok(await rounds.ProgressAsync(sweep, cancellationToken)) : catalog.Problem(SweepErrors.NotFound);

    public static async Task<Results<Ok<RoundComparison>, ProblemHttpResult>> Compare(Guid id, SweepDesk desk, SweepRounds rounds, Catalog catalog, CancellationToken cancellationToken) =>
        await desk.FindAsync(id, cancellationToken) is { } sweep ? TypedResults.Ok(await rounds.CompareAsync(sweep, cancellationToken)) : catalog.Problem(SweepErrors.NotFound);

    private static VisitItemResult Item(Catalog catalog, Guid id, int index, Error error, object?[] args, ItemDetails? details)
    {
        var (zh, en) = catalog.Both(error.MessageKey, args);
        return new VisitItemResult(id, index, error.Status, null, error.Code, Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh, zh, en, details);
    }
}
