using Cordon.Platform.Auth;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.People;

internal sealed class PeopleMap :
    IEntityTypeConfiguration<Household>,
    IEntityTypeConfiguration<Resident>
{
    public void Configure(EntityTypeBuilder<Household> b)
    {
        b.Property(x => x.Notes).HasMaxLength(500).IsSensitive(SensitiveKind.Personal);
        b.HasIndex(x => new { x.SubdistrictId, x.FlatId });
        b.HasOne<Flat>().WithMany().HasForeignKey(x => x.FlatId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<Resident> b)
    {
        b.Property(r => r.Name).HasMaxLength(64).IsSensitive(SensitiveKind.Personal);
        b.Property(r => r.DocumentType).HasConversion<string>().HasMaxLength(32);
        b.Property(r => r.DocumentNumber).HasMaxLength(32).IsSensitive(SensitiveKind.IdNumber);
        b.Property(r => r.Phone).HasMaxLength(20).IsSensitive(SensitiveKind.Phone);
        b.Property(r => r.Sex).HasConversion<string>().HasMaxLength(8);
        b.Property(r => r.Relation).HasMaxLength(32).IsSensitive(SensitiveKind.Personal);
        b.Property(r => r.BirthDate).IsSensitive(SensitiveKind.BirthDate);
        b.Property(r => r.Tags).IsSensitive(SensitiveKind.Personal);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Notes).HasMaxLength(500).IsSensitive(SensitiveKind.Personal);
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
