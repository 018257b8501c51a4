using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cordon.Features.Ledger;

/// <summary>
/// 待核实变更 for machines: findings from the field that wait for a person of the flat's jurisdiction. Out of
/// jurisdiction is 404 (the query filter); deciding needs <see cref="Permission.EditLedger"/>.
/// </summary>
public static class ProposalsApi
{
    public static IEndpointRouteBuilder MapProposalsApi(this IEndpointRouteBuilder app)
    {
        var proposals = app.MapApi("/ledger/proposals").RequireAuthorization(RolePermissions.PolicyName(Permission.EditLedger));
        proposals.MapGet("", List);
        proposals.MapPost("/{id:guid}/approve", Approve);
        proposals.MapPost("/{id:guid}/reject", Reject);
        proposals.MapPost("/flats/{flatId:guid}/approve", ApproveFlat);
        return app;
    }

    /// <summary>The version the person saw; without it the proposal is decided as it is now.</summary>
    public sealed record ApproveRequest(int? Version);

    public sealed record RejectRequest(string? Reason, int? Version);

    /// <summary>One proposal of a flat approved together with the others: the view after, or why it stayed open.</summary>
    public sealed record FlatApprovalItem(Guid Id, bool Approved, string? Code, string? Message, ProposalView Proposal);

    public sealed record FlatApprovalResponse(Guid FlatId, int Approved, int Refused, IReadOnlyList<FlatApprovalItem> Results);

    /// <summary><c>?status=open|approved|rejected</c> (open by default), <c>compoundId</c>, <c>flatId</c>; at most <see cref="Platform.People.Proposals.MaxList"/>.</summary>
    public static async Task<Results<Ok<List<ProposalView>>, ProblemHttpResult>> List(
        Platform.People.Proposals proposals, Catalog catalog, string? status, Guid? compoundId, Guid? flatId, CancellationToken cancellationToken)
    {
        var (wanted, error) = Platform.People.Proposals.ParseStatus(status);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        return TypedResults.Ok(await proposals.ViewAsync(proposals.List(wanted, compoundId, flatId), cancellationToken));
    }

    public static async Task<Results<Ok<ProposalView>, ProblemHttpResult>> Approve(
        Guid id, ApproveRequest? body, Platform.People.Proposals proposals, Catalog catalog, CancellationToken cancellationToken)
    {
        var (_, error) = await proposals.ApproveAsync(id, body?.Version, cancellationToken);
        return error is null ? TypedResults.Ok(await ViewOfAsync(proposals, id, cancellationToken)) : catalog.Problem(error);
    }

    public static async Task<Results<Ok<ProposalView>, ProblemHttpResult>> Reject(
        Guid id, RejectRequest? body, Platform.People.Proposals proposals, Catalog catalog, CancellationToken cancellationToken)
    {
        var (_, error) = await proposals.RejectAsync(id, body?.Reason, body?.Version, cancellationToken);
        return error is null ? TypedResults.Ok(await ViewOfAsync(proposals, id, cancellationToken)) : catalog.Problem(error);
    }

    /// <summary>Every open proposal of the flat, each on its own: one refused never stops the others.</summary>
    public static async Task<Results<Ok<FlatApprovalResponse>, ProblemHttpResult>> ApproveFlat(
        Guid flatId, Platform.People.Proposals proposals, Catalog catalog, CancellationToken cancellationToken)
    {
        var (results, error) = await proposals.ApproveFlatAsync(flatId, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        var ids = results.Select(r => r.Proposal.Id).ToList();
        var views = (await proposals.ViewAsync(proposals.List(null, flatId: flatId).Where(p => ids.Contains(p.Id)), cancellationToken)).ToDictionary(v => v.Id);
        var items = results.Select(r => new FlatApprovalItem(
            r.Proposal.Id, r.Error is null, r.Error?.Code, r.Error is { } e ? catalog.Message(e) : null, views[r.Proposal.Id])).ToList();
        return TypedResults.Ok(new FlatApprovalResponse(flatId, items.Count(i => i.Approved), items.Count(i => !i.Approved), items));
    }

    private static async Task<ProposalView> ViewOfAsync(Platform.People.Proposals proposals, Guid id, CancellationToken cancellationToken) =>
        (await proposals.ViewAsync(proposals.List(null).Where(p => p.Id == id), cancellationToken)).Single();
}
