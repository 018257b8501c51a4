using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Data;

/// <summary>A sub-district (街道): the tenant. Every tenant-owned row carries its id.</summary>
public sealed class Subdistrict : IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public string Name { get; set; } = "";

    /// <summary>Six-digit administrative-division code of the district it belongs to, e.g. 310110.</summary>
    public string DivisionCode { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

internal sealed class SubdistrictMap : IEntityTypeConfiguration<Subdistrict>
{
    public void Configure(EntityTypeBuilder<Subdistrict> b)
    {
        b.ToTable("Subdistricts");
        b.Property(s => s.Name).HasMaxLength(64);
        b.Property(s => s.DivisionCode).HasMaxLength(12);
    }
}

public sealed partial class CordonDb
{
    public DbSet<Subdistrict> Subdistricts => Set<Subdistrict>();
}
