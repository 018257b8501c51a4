using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger;

/// <summary>Neighborhoods and their compounds with counts; the way into the ledger.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class IndexModel(CordonDb db, Caller caller, Platform.People.Proposals proposals) : PageModel
{
    public sealed record CompoundRow(Guid Id, string Name, string Address, int Buildings, int Flats, int Households, int Residents, int Needs);

    public sealed record NeighborhoodGroup(string Name, List<CompoundRow> Compounds);

    public List<NeighborhoodGroup> Neighborhoods { get; } = [];

    /// <summary>Findings from the field waiting for the caller's approval; null for those who may not decide them.</summary>
    public int? OpenProposals { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var living = db.Residents.Where(r => r.Status != ResidenceStatus.MovedOut);
        var rows = await db.Compounds.AsNoTracking()
            .Join(db.Neighborhoods, c => c.NeighborhoodId, n => n.Id, (c, n) => new { c, Neighborhood = n.Name })
            .OrderBy(x => x.Neighborhood).ThenBy(x => x.c.Name)
            .Select(x => new
            {
                x.Neighborhood,
                Row = new CompoundRow(
                    x.c.Id, x.c.Name, x.c.Address,
                    db.Buildings.Count(b => b.CompoundId == x.c.Id),
                    db.Flats.Count(f => f.CompoundId == x.c.Id),
                    db.Households.Count(h => h.CompoundId == x.c.Id),
                    living.Count(r => r.CompoundId == x.c.Id),
                    living.Count(r => r.CompoundId == x.c.Id && (r.Tags & LedgerCounts.CareTags) != 0)),
            })
            .ToListAsync(cancellationToken);
        OpenProposals = caller.Can(Permission.EditLedger) ? await proposals.List(ProposalStatus.Open).CountAsync(cancellationToken) : null;
        Neighborhoods.AddRange(rows.GroupBy(r => r.Neighborhood).Select(g => new NeighborhoodGroup(g.Key, [.. g.Select(x => x.Row)])));
    }
}

public static class LedgerCounts
{
    /// <summary>The tags that mean "needs care" in counts (infants and foreign nationals are tags, not needs).</summary>
    public const NeedTag CareTags = NeedTag.ElderlyAlone | NeedTag.LivesAlone | NeedTag.Ill | NeedTag.Pregnant | NeedTag.Mobility | NeedTag.Disabled;
}
