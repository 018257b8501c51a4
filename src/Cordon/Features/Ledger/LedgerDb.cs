using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Data;

public sealed partial class CordonDb
{
    public DbSet<Features.Ledger.Neighborhood> Neighborhoods => Set<Features.Ledger.Neighborhood>();

    public DbSet<Features.Ledger.Compound> Compounds => Set<Features.Ledger.Compound>();

    public DbSet<Features.Ledger.Building> Buildings => Set<Features.Ledger.Building>();

    public DbSet<Features.Ledger.Flat> Flats => Set<Features.Ledger.Flat>();

    public DbSet<Features.Ledger.Household> Households => Set<Features.Ledger.Household>();

    public DbSet<Features.Ledger.Resident> Residents => Set<Features.Ledger.Resident>();

    /// <summary>
    /// Neighborhoods and compounds are the jurisdiction itself: a user limited to a compound sees its
    /// neighborhood as a path to it, and only that compound inside.
    /// </summary>
    partial void OnLedgerModelCreating(ModelBuilder builder)
    {
        if (BuiltForSystem)
        {
            return;
        }

        builder.Entity<Features.Ledger.Neighborhood>().HasQueryFilter(n => n.SubdistrictId == CallerSubdistrictId
            && (CallerWholeSubdistrict || CallerNeighborhoodIds.Contains(n.Id) || CallerParentNeighborhoodIds.Contains(n.Id)));
        builder.Entity<Features.Ledger.Compound>().HasQueryFilter(c => c.SubdistrictId == CallerSubdistrictId
            && (CallerWholeSubdistrict || CallerNeighborhoodIds.Contains(c.NeighborhoodId) || CallerCompoundIds.Contains(c.Id)));
    }
}
