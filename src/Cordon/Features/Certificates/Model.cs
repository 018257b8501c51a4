using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Certificates;

public enum CertificateKind
{
    /// <summary>封控: the building was sealed.</summary>
    Sealed,

    /// <summary>居家隔离</summary>
    HomeIsolation,

    /// <summary>居家健康监测</summary>
    HomeMonitoring,
}

public enum CertificateStatus
{
    Valid,

    /// <summary>A newer version replaced it (the lockdown ended: the end date is known now).</summary>
    Superseded,

    Revoked,
}

/// <summary>
/// 居家证明: that a person was kept at home from one date to another, as the signed QR says it. What it states is
/// kept as issued (name, last 4 of the document, compound and building, period, kind, issuer), and the exact token
/// in the QR; nothing about health or tests. A new version (with the end date) supersedes it under a new number.
/// </summary>
public sealed class Certificate : IInJurisdiction, IAudited
{
    public Guid Id { get; set; }

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid BuildingId { get; set; }

    public Guid ResidentId { get; set; }

    public Guid? LockdownId { get; set; }

    /// <summary><c>JZ261201-0042</c>; a later version adds <c>-2</c>.</summary>
    public string Number { get; set; } = "";

    public int Version { get; set; } = 1;

    public Guid? SupersededById { get; set; }

    public CertificateKind Kind { get; set; }

    public CertificateStatus Status { get; set; }

    public string Name { get; set; } = "";

    public string Last4 { get; set; } = "";

    /// <summary>Compound and building, never the flat: "政立路580弄 3号".</summary>
    public string Place { get; set; } = "";

    public DateOnly From { get; set; }

    public DateOnly? To { get; set; }

    public string Issuer { get; set; } = "";

    public string Committee { get; set; } = "";

    public DateTime IssuedAt { get; set; }

    public string IssuedBy { get; set; } = "";

    public string Kid { get; set; } = "";

    /// <summary>The compact JWS the QR carries (after <c>/v#</c>).</summary>
    public string Jws { get; set; } = "";

    public DateTime? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public string? RevokeReason { get; set; }

    public int Concurrency { get; set; }
}

internal sealed class CertificateMap : IEntityTypeConfiguration<Certificate>
{
    public void Configure(EntityTypeBuilder<Certificate> b)
    {
        b.ToTable("Certificates");
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Number).HasMaxLength(24);
        b.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.Name).HasMaxLength(64).IsSensitive(SensitiveKind.Personal);
        b.Property(c => c.Last4).HasMaxLength(4).IsSensitive(SensitiveKind.Personal);
        b.Property(c => c.Place).HasMaxLength(100);
        b.Property(c => c.Issuer).HasMaxLength(64);
        b.Property(c => c.Committee).HasMaxLength(64);
        b.Property(c => c.IssuedBy).HasMaxLength(128);
        b.Property(c => c.Kid).HasMaxLength(32);
        b.Property(c => c.Jws).HasMaxLength(1500).IsSensitive(SensitiveKind.Personal);
        b.Property(c => c.RevokedBy).HasMaxLength(128);
        b.Property(c => c.RevokeReason).HasMaxLength(300);
        b.Property(c => c.Concurrency).IsConcurrencyToken();
        b.HasIndex(c => c.Number).IsUnique();
        b.HasIndex(c => new { c.SubdistrictId, c.ResidentId, c.Status });
        b.HasIndex(c => new { c.SubdistrictId, c.LockdownId, c.Status });
    }
}
