using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cordon.Features.Care;

/// <summary>Care tasks, the register and contacts for machines (issue 14's contract); every route needs <see cref="Permission.ProvideCare"/> and stays in the caller's jurisdiction.</summary>
public static class CareApi
{
    public sealed record AssignBody(string? UserId);

    public sealed record DoneBody(string? Outcome, string? Vehicle, string? Driver, string? Destination, DateTime? DepartedAt, DateTime? ArrivedAt, DateTime? ReturnedAt, string? HandedOverTo)
    {
        public TripCommand Trip => new(Vehicle, Driver, Destination, DepartedAt, ArrivedAt, ReturnedAt, HandedOverTo);
    }

    public sealed record ConfirmBody(string? Via, string? Note);

    public sealed record CancelBody(string? Reason, bool? StopPlan);

    public static IEndpointRouteBuilder MapCareApi(this IEndpointRouteBuilder app)
    {
        var care = app.MapApi("/care").RequireAuthorization(RolePermissions.PolicyName(Permission.ProvideCare));
        care.MapPost("/tasks", Create);
        care.MapGet("/tasks", List);
        care.MapGet("/tasks/{id:guid}", Get);
        care.MapPost("/tasks/{id:guid}/assign", (Guid id, AssignBody? body, CareDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, t => desk.AssignAsync(t, body?.UserId, ct), ct));
        care.MapPost("/tasks/{id:guid}/start", (Guid id, DoneBody? body, CareDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, t => desk.StartAsync(t, body?.Trip, ct), ct));
        care.MapPost("/tasks/{id:guid}/done", (Guid id, DoneBody? body, CareDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, t => desk.DoneAsync(t, body?.Outcome, body?.Trip, ct), ct));
        care.MapPost("/tasks/{id:guid}/confirm", (Guid id, ConfirmBody? body, CareDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, t => desk.ConfirmAsync(t, body?.Via, body?.Note, ct), ct));
        care.MapPost("/tasks/{id:guid}/cancel", (Guid id, CancelBody? body, CareDesk desk, Catalog catalog, CancellationToken ct) =>
            Act(id, desk, catalog, t => desk.CancelAsync(t, body?.Reason, body?.StopPlan ?? false, ct), ct));
        care.MapGet("/register", Register);
        care.MapPost("/contacts", Contact);
        return app;
    }

    public static async Task<Results<Created<CareTaskView>, Ok<CareTaskView>, ProblemHttpResult>> Create(CareTaskCommand body, CareDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        var (task, created, failure) = await desk.CreateAsync(body, "register", null, null, null, cancellationToken);
        if (failure is not null)
        {
            return Problem(catalog, failure);
        }

        var view = (await desk.ViewsAsync([task!], history: true, cancellationToken))[0];
        return created ? TypedResults.Created($"/api/v1/care/tasks/{task!.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<List<CareTaskView>>, ProblemHttpResult>> List(
        string? state, bool? overdue, bool? mine, Guid? residentId, Guid? neighborhoodId, CareDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        CareState? parsed = null;
        if (state is { Length: > 0 })
        {
            if (CareDesk.ParseState(state) is not { } s)
            {
                return catalog.ProblemWithDetails(CareErrors.StateInvalid, new { field = "state" });
            }

            parsed = s;
        }

        var list = await desk.ListAsync(parsed is { } one ? [one] : null, overdue ?? false, mine ?? false, residentId, neighborhoodId, cancellationToken);
        return TypedResults.Ok(await desk.ViewsAsync(list, history: false, cancellationToken));
    }

    public static async Task<Results<Ok<CareTaskView>, ProblemHttpResult>> Get(Guid id, CareDesk desk, Catalog catalog, CancellationToken cancellationToken) =>
        await desk.FindAsync(id, cancellationToken) is { } t ? TypedResults.Ok((await desk.ViewsAsync([t], history: true, cancellationToken))[0]) : catalog.Problem(CareErrors.NotFound);

    public static async Task<Ok<CareRegisterView>> Register(Guid? compoundId, Guid? neighborhoodId, bool? notContacted, CareRegister register, CancellationToken cancellationToken) =>
        TypedResults.Ok(await register.ListAsync(compoundId, neighborhoodId, notContacted ?? false, cancellationToken));

    public sealed record ContactView(Guid Id, Guid ResidentId, DateTime At, string Channel, string Outcome, string By);

    public static async Task<Results<Created<ContactView>, Ok<ContactView>, ProblemHttpResult>> Contact(ContactCommand body, CareRegister register, Catalog catalog, CancellationToken cancellationToken)
    {
        var (contact, created, failure) = await register.ContactAsync(body, cancellationToken);
        if (failure is not null)
        {
            return Problem(catalog, failure);
        }

        var view = new ContactView(contact!.Id, contact.ResidentId, contact.At, contact.Channel, contact.Outcome, contact.By);
        return created ? TypedResults.Created($"/api/v1/care/contacts/{contact.Id}", view) : TypedResults.Ok(view);
    }

    public static ProblemHttpResult Problem(Catalog catalog, CareFailure failure) =>
        catalog.ProblemWithDetails(failure.Error, failure.Field is null ? null : new { field = failure.Field }, failure.Args);

    private static async Task<Results<Ok<CareTaskView>, ProblemHttpResult>> Act(
        Guid id, CareDesk desk, Catalog catalog, Func<CareTask, Task<CareFailure?>> action, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } task)
        {
            return catalog.Problem(CareErrors.NotFound);
        }

        if (await action(task) is { } failure)
        {
            return Problem(catalog, failure);
        }

        var fresh = await desk.FindAsync(id, cancellationToken);
        return TypedResults.Ok((await desk.ViewsAsync([fresh!], history: true, cancellationToken))[0]);
    }
}
