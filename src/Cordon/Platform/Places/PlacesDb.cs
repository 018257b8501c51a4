using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Data;

public sealed partial class CordonDb
{
    public DbSet<Neighborhood> Neighborhoods => Set<Neighborhood>();

    public DbSet<Compound> Compounds => Set<Compound>();

    public DbSet<Building> Buildings => Set<Building>();

    public DbSet<Flat> Flats => Set<Flat>();

    /// <summary>
    /// Neighborhoods and compounds are the jurisdiction itself: a user limited to a compound sees its
    /// neighborhood as a path to it, and only that compound inside.
    /// </summary>
    private void FilterPlaces(ModelBuilder builder)
    {
        builder.Entity<Neighborhood>().HasQueryFilter(n => n.SubdistrictId == CallerSubdistrictId
            && (CallerWholeSubdistrict || CallerNeighborhoodIds.Contains(n.Id) || CallerParentNeighborhoodIds.Contains(n.Id)));
        builder.Entity<Compound>().HasQueryFilter(c => c.SubdistrictId == CallerSubdistrictId
            && (CallerWholeSubdistrict || CallerNeighborhoodIds.Contains(c.NeighborhoodId) || CallerCompoundIds.Contains(c.Id)));
    }
}
