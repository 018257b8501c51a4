using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Ledger;

internal sealed class LedgerMap :
    IEntityTypeConfiguration<Neighborhood>,
    IEntityTypeConfiguration<Compound>,
    IEntityTypeConfiguration<Building>,
    IEntityTypeConfiguration<Flat>,
    IEntityTypeConfiguration<Household>,
    IEntityTypeConfiguration<Resident>
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

    public void Configure(EntityTypeBuilder<Household> b)
    {
        b.Property(x => x.Notes).HasMaxLength(500);
        b.HasIndex(x => new { x.SubdistrictId, x.FlatId });
        b.HasOne<Flat>().WithMany().HasForeignKey(x => x.FlatId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Resident> b)
    {
        b.Property(r => r.Name).HasMaxLength(64);
        b.Property(r => r.DocumentType).HasConversion<string>().HasMaxLength(32);
        b.Property(r => r.DocumentNumber).HasMaxLength(32).IsSensitive(SensitiveKind.IdNumber);
        b.Property(r => r.Phone).HasMaxLength(20).IsSensitive(SensitiveKind.Phone);
        b.Property(r => r.Sex).HasConversion<string>().HasMaxLength(8);
        b.Property(r => r.Relation).HasMaxLength(32);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Notes).HasMaxLength(500);
        b.Property(r => r.SamplingCode).HasMaxLength(16);
        b.Property(r => r.Version).IsConcurrencyToken();
        b.HasIndex(r => new { r.SubdistrictId, r.DocumentType, r.DocumentNumber }).IsUnique();
        b.HasIndex(r => new { r.SubdistrictId, r.SamplingCode }).IsUnique();
        b.HasIndex(r => new { r.SubdistrictId, r.CompoundId, r.BuildingId });
        b.HasIndex(r => new { r.SubdistrictId, r.FlatId });
        b.HasIndex(r => new { r.SubdistrictId, r.Name });
        b.HasIndex(r => new { r.SubdistrictId, r.Phone });
        b.HasOne<Household>().WithMany().HasForeignKey(r => r.HouseholdId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Flat>().WithMany().HasForeignKey(r => r.FlatId).OnDelete(DeleteBehavior.Restrict);
    }
}
