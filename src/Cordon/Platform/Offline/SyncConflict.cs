using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Offline;

public enum ConflictStatus
{
    Open,
    Resolved,
    Dismissed,
}

/// <summary>
/// A write a device made offline that the server refused when it synced (the same tube on two devices, a person
/// sampled twice, a door knocked by two teams…). It waits for a person; nothing is dropped unseen
/// (docs/decisions/010). It never holds a full ID number: the person is kept as their record id when known,
/// else as a keyed hash (for matching) and the masked number (for display).
/// </summary>
public sealed class SyncConflict : ITenantOwned, IAudited
{
    /// <summary>The refused write's own client id, so a batch sent twice makes one conflict.</summary>
    public Guid Id { get; set; }

    public Guid SubdistrictId { get; set; }

    /// <summary>Which feature's write this was (<c>sampling</c>, later <c>sweep</c>, <c>parcel</c>): it resolves it.</summary>
    public string Feature { get; set; } = "";

    /// <summary>What the write belonged to (a testing round, a sweep round…).</summary>
    public Guid ScopeId { get; set; }

    public string? DeviceId { get; set; }

    public long? DeviceSequence { get; set; }

    public string UserName { get; set; } = "";

    /// <summary>The write as the device sent it (JSON), with personal numbers taken out.</summary>
    public string Payload { get; set; } = "";

    /// <summary>The person the write was about, when the server knew them.</summary>
    public Guid? SubjectId { get; set; }

    /// <summary>A typed number the server did not know: its pseudonym, for matching later.</summary>
    public string? SubjectHash { get; set; }

    /// <summary>The same number masked, for a person to recognise.</summary>
    public string? SubjectMasked { get; set; }

    public string Code { get; set; } = "";

    /// <summary>Why it was refused, in Chinese and in English, as the device was told.</summary>
    public string Message { get; set; } = "";

    public string MessageEn { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public ConflictStatus Status { get; set; }

    public string? ResolvedBy { get; set; }

    public DateTime? ResolvedAt { get; set; }

    public string? Resolution { get; set; }

    public Guid? ResolvedRecordId { get; set; }

    public void Close(ConflictStatus status, string resolution, Guid? record, string by, DateTime now)
    {
        Status = status;
        Resolution = resolution.Length > 300 ? resolution[..300] : resolution;
        ResolvedRecordId = record;
        ResolvedBy = by;
        ResolvedAt = now;
    }
}

internal sealed class SyncConflictMap : IEntityTypeConfiguration<SyncConflict>
{
    public void Configure(EntityTypeBuilder<SyncConflict> b)
    {
        b.ToTable("SyncConflicts");
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Feature).HasMaxLength(24);
        b.Property(c => c.DeviceId).HasMaxLength(64);
        b.Property(c => c.UserName).HasMaxLength(128);
        b.Property(c => c.Payload).HasMaxLength(2000);
        b.Property(c => c.SubjectHash).HasMaxLength(64);
        b.Property(c => c.SubjectMasked).HasMaxLength(32).IsSensitive(SensitiveKind.IdNumber);
        b.Property(c => c.Code).HasMaxLength(48);
        b.Property(c => c.Message).HasMaxLength(300);
        b.Property(c => c.MessageEn).HasMaxLength(300);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.ResolvedBy).HasMaxLength(128);
        b.Property(c => c.Resolution).HasMaxLength(300);
        b.HasIndex(c => new { c.SubdistrictId, c.Status, c.CreatedAt });
        b.HasIndex(c => new { c.SubdistrictId, c.ScopeId, c.DeviceId, c.Status });
    }
}
