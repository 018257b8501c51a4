using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cordon.Features.Hotline;

/// <summary>The hotline for machines (issue 14's contract); every route needs <see cref="Permission.AnswerHotline"/> and stays in the caller's jurisdiction.</summary>
public static class HotlineApi
{
    public static IEndpointRouteBuilder MapHotlineApi(this IEndpointRouteBuilder app)
    {
        var requests = app.MapApi("/requests").RequireAuthorization(RolePermissions.PolicyName(Permission.AnswerHotline));
        requests.MapPost("", Create);
        requests.MapGet("", List);
        requests.MapGet("/stats", Stats);
        requests.MapGet("/{id:guid}", Get);
        requests.MapPost("/{id:guid}/assign", (Guid id, AssignBody? body, HotlineDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, r => desk.AssignAsync(r, body?.UserId, ct), ct));
        requests.MapPost("/{id:guid}/accept", (Guid id, HotlineDesk desk, Catalog catalog, CancellationToken ct) => Act(id, desk, catalog, r => desk.AcceptAsync(r, ct), ct));
        requests.MapPost("/{id:guid}/decline", (Guid id, ReasonBody? body, HotlineDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, r => desk.DeclineAsync(r, body?.Reason, ct), ct));
        requests.MapPost("/{id:guid}/merge", (Guid id, MergeBody body, HotlineDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, r => desk.MergeAsync(r, body.IntoId ?? Guid.Empty, ct), ct));
        requests.MapPost("/{id:guid}/callback", (Guid id, CallbackBody body, HotlineDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, r => desk.CallbackAsync(r, body.At, body.Outcome, body.Satisfied, body.Note, ct), ct));
        requests.MapPost("/{id:guid}/notes", (Guid id, ReasonBody body, HotlineDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, r => desk.NoteAsync(r, body.Reason, ct), ct));
        requests.MapPost("/{id:guid}/care-tasks", CareTask);
        requests.MapPost("/{id:guid}/close", (Guid id, HotlineDesk desk, Catalog catalog, CancellationToken ct) => Act(id, desk, catalog, r => desk.CloseAsync(r, ct), ct));
        return app;
    }

    public sealed record AssignBody(string? UserId);

    public sealed record ReasonBody(string? Reason);

    public sealed record MergeBody(Guid? IntoId);

    public sealed record CareBody(Guid? ResidentId, string? Kind, DateTime? DueAt, string? Recurrence, string? Note);

    /// <summary>One step from a medicine or medical call to a care task: 201 with the task, 200 when it exists already.</summary>
    public static async Task<Results<Created<Platform.Care.CareTaskRef>, ProblemHttpResult>> CareTask(Guid id, CareBody body, HotlineDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } request)
        {
            return catalog.Problem(RequestErrors.NotFound);
        }

        var (task, error) = await desk.OrderCareAsync(request, body.ResidentId, body.Kind, body.DueAt, body.Recurrence, body.Note, cancellationToken);
        return error is not null ? catalog.Problem(error) : TypedResults.Created($"/api/v1/care/tasks/{task!.Id}", task);
    }

    public sealed record CallbackBody(DateTime? At, string? Outcome, bool? Satisfied, string? Note);

    public static async Task<Results<Created<RequestView>, Ok<RequestView>, ProblemHttpResult>> Create(RequestCommand body, HotlineDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        var (request, created, error) = await desk.CreateAsync(body, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        var view = (await desk.ViewsAsync([request!], history: true, cancellationToken))[0];
        return created ? TypedResults.Created($"/api/v1/requests/{request!.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<List<RequestView>>, ProblemHttpResult>> List(
        string? state, bool? overdue, bool? mine, Guid? neighborhoodId, HotlineDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        RequestState? parsed = null;
        if (state is { Length: > 0 })
        {
            if (!Enum.TryParse<RequestState>(state, ignoreCase: true, out var s) || !Enum.IsDefined(s) || int.TryParse(state, out _))
            {
                return catalog.Problem(RequestErrors.StateInvalid);
            }

            parsed = s;
        }

        var list = await desk.ListAsync(parsed, overdue ?? false, mine ?? false, neighborhoodId, cancellationToken);
        return TypedResults.Ok(await desk.ViewsAsync(list, history: false, cancellationToken));
    }

    public static async Task<Results<Ok<RequestView>, ProblemHttpResult>> Get(Guid id, HotlineDesk desk, Catalog catalog, CancellationToken cancellationToken) =>
        await desk.FindAsync(id, cancellationToken) is { } r ? TypedResults.Ok((await desk.ViewsAsync([r], history: true, cancellationToken))[0]) : catalog.Problem(RequestErrors.NotFound);

    public static async Task<Ok<RequestStats>> Stats(DateOnly? date, HotlineDesk desk, Platform.Time.LocalTime time, CancellationToken cancellationToken) =>
        TypedResults.Ok(await desk.StatsAsync(date ?? time.Today, cancellationToken));

    private static async Task<Results<Ok<RequestView>, ProblemHttpResult>> Act(
        Guid id, HotlineDesk desk, Catalog catalog, Func<HotlineRequest, Task<Error?>> action, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } request)
        {
            return catalog.Problem(RequestErrors.NotFound);
        }

        if (await action(request) is { } error)
        {
            return catalog.Problem(error);
        }

        var fresh = await desk.FindAsync(id, cancellationToken);
        return TypedResults.Ok((await desk.ViewsAsync([fresh!], history: true, cancellationToken))[0]);
    }
}
