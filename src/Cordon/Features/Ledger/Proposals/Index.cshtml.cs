using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Cordon.Features.Ledger.Proposals;

/// <summary>
/// 待核实变更: what the field found, by flat, each with the ledger now and what it would say; a person of the
/// jurisdiction approves (the change is applied), approves a whole flat at once, or rejects with a reason.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.EditLedger))]
public sealed class IndexModel(CordonDb db, Platform.People.Proposals proposals, Catalog catalog, IStringLocalizer<Catalog> text) : PageModel
{
    private const string SavedKey = "proposals.saved";

    public sealed record FlatGroup(Guid FlatId, string Address, List<ProposalView> Items);

    public sealed record CompoundOption(Guid Id, string Name);

    /// <summary><c>open</c>, <c>approved</c> or <c>rejected</c>, from the query string (also on posts, to come back to the same list).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? CompoundId { get; set; }

    public ProposalStatus Showing => Platform.People.Proposals.ParseStatus(Status).Status;

    public List<FlatGroup> Flats { get; private set; } = [];

    public int Shown { get; private set; }

    public int OpenCount { get; private set; }

    public List<CompoundOption> Compounds { get; private set; } = [];

    public string? Saved { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The proposal (or flat) the error is about, so the page says it where the person pressed.</summary>
    public Guid? ErrorAbout { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Saved = TempData[SavedKey] as string;
        return await ShowAsync(null, null, cancellationToken);
    }

    public async Task<IActionResult> OnPostApproveAsync(Guid id, int? version, CancellationToken cancellationToken)
    {
        var (proposal, error) = await proposals.ApproveAsync(id, version, cancellationToken);
        if (error is not null)
        {
            return await ShowAsync(error, id, cancellationToken);
        }

        TempData[SavedKey] = text["ledger.proposals.approved-one", text["proposal.kind." + Platform.People.Proposals.Kebab(proposal!.Kind)]].Value;
        return Back(proposal.FlatId);
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid id, int? version, string? reason, CancellationToken cancellationToken)
    {
        var (proposal, error) = await proposals.RejectAsync(id, reason, version, cancellationToken);
        if (error is not null)
        {
            return await ShowAsync(error, id, cancellationToken);
        }

        TempData[SavedKey] = text["ledger.proposals.rejected-one", text["proposal.kind." + Platform.People.Proposals.Kebab(proposal!.Kind)]].Value;
        return Back(proposal.FlatId);
    }

    public async Task<IActionResult> OnPostApproveFlatAsync(Guid flatId, CancellationToken cancellationToken)
    {
        var (results, error) = await proposals.ApproveFlatAsync(flatId, cancellationToken);
        if (error is not null)
        {
            return await ShowAsync(error, flatId, cancellationToken);
        }

        var refused = results.Where(r => r.Error is not null).ToList();
        var approved = results.Count - refused.Count;
        if (refused.Count == 0)
        {
            TempData[SavedKey] = text["ledger.proposals.approved-flat", approved].Value;
            return Back(flatId);
        }

        // The ones refused stay open on the page, with why; the others are in the ledger already.
        Saved = approved > 0 ? text["ledger.proposals.approved-flat", approved].Value : null;
        var why = string.Join("；", refused.Select(r => text["proposal.kind." + Platform.People.Proposals.Kebab(r.Proposal.Kind)] + "：" + catalog.Message(r.Error!)).Distinct());
        Error = text["ledger.proposals.refused-flat", refused.Count, why].Value;
        ErrorAbout = flatId;
        Response.StatusCode = StatusCodes.Status409Conflict;
        await LoadAsync(cancellationToken);
        return Page();
    }

    public static string ListUrl(ProposalStatus status, Guid? compoundId) =>
        $"/Ledger/Proposals?status={status.ToString().ToLowerInvariant()}" + (compoundId is { } c ? $"&compoundId={c}" : "");

    private RedirectResult Back(Guid flatId) => Redirect(ListUrl(Showing, CompoundId) + "#flat-" + flatId);

    private async Task<IActionResult> ShowAsync(Error? error, Guid? about, CancellationToken cancellationToken)
    {
        if ((error ?? Platform.People.Proposals.ParseStatus(Status).Error) is { } refused)
        {
            Error = catalog.Message(refused);
            ErrorAbout = about;
            Response.StatusCode = refused.Status;
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Compounds = await db.Compounds.AsNoTracking().OrderBy(c => c.Name).Select(c => new CompoundOption(c.Id, c.Name)).ToListAsync(cancellationToken);
        if (CompoundId is { } chosen && Compounds.All(c => c.Id != chosen))
        {
            CompoundId = null;
        }

        OpenCount = await proposals.List(ProposalStatus.Open, CompoundId).CountAsync(cancellationToken);
        var views = await proposals.ViewAsync(proposals.List(Showing, CompoundId), cancellationToken);
        Shown = views.Count;
        Flats = [.. views.GroupBy(v => v.FlatId).Select(g => new FlatGroup(g.Key, g.First().Address, [.. g]))];
    }
}
