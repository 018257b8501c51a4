using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Places;

internal sealed class PlacesMap :
    IEntityTypeConfiguration<Neighborhood>,
    IEntityTypeConfiguration<Compound>,
    IEntityTypeConfiguration<Building>,
    IEntityTypeConfiguration<Flat>
{
    public void Configure(EntityTypeBuilder<Neighborhood> b)
    {
        b.Property(n => n.Name).HasMaxLength(64);
        b.HasIndex(n => new { n.SubdistrictId, n.Name }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<Compound> b)
    {
        b.Property(c => c.Name).HasMaxLength(64);
        b.Property(c => c.Address).HasMaxLength(200);
        b.HasIndex(c => new { c.SubdistrictId, c.Name }).IsUnique();
        b.HasIndex(c => new { c.SubdistrictId, c.NeighborhoodId });
        b.HasOne<Neighborhood>().WithMany().HasForeignKey(c => c.NeighborhoodId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Building> b)
    {
        b.Property(x => x.Number).HasMaxLength(32);
        b.HasIndex(x => new { x.SubdistrictId, x.CompoundId, x.Number }).IsUnique();
        b.HasOne<Compound>().WithMany().HasForeignKey(x => x.CompoundId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Flat> b)
    {
        b.Property(x => x.Room).HasMaxLength(16);
        b.HasIndex(x => new { x.SubdistrictId, x.BuildingId, x.Entrance, x.Room }).IsUnique();
        b.HasIndex(x => new { x.SubdistrictId, x.CompoundId });
        b.HasOne<Building>().WithMany().HasForeignKey(x => x.BuildingId).OnDelete(DeleteBehavior.Restrict);
    }
}
