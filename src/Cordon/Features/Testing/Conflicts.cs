using System.Text.Json;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Testing;

public enum ConflictStatus
{
    Open,
    Resolved,
    Dismissed,
}

/// <summary>
/// A sample a device registered offline that the server refused when it synced (the same tube used on
/// two devices, a person sampled twice…). It waits here for a supervisor; nothing is dropped unseen.
/// </summary>
public sealed class SyncConflict : ITenantOwned, IAudited
{
    /// <summary>The refused record's own id, so a batch sent twice makes one conflict.</summary>
    public Guid Id { get; set; }

    public Guid SubdistrictId { get; set; }

    public Guid RoundId { get; set; }

    public string? DeviceId { get; set; }

    public long? DeviceSequence { get; set; }

    public string SamplerName { get; set; } = "";

    /// <summary>The command as the device sent it (JSON).</summary>
    public string Payload { get; set; } = "";

    public string Code { get; set; } = "";

    public string Message { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public ConflictStatus Status { get; set; }

    public string? ResolvedBy { get; set; }

    public DateTime? ResolvedAt { get; set; }

    public string? Resolution { get; set; }

    public Guid? ResolvedRecordId { get; set; }
}

internal sealed class SyncConflictMap : IEntityTypeConfiguration<SyncConflict>
{
    public void Configure(EntityTypeBuilder<SyncConflict> b)
    {
        b.ToTable("SyncConflicts");
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.DeviceId).HasMaxLength(64);
        b.Property(c => c.SamplerName).HasMaxLength(128);
        b.Property(c => c.Payload).HasMaxLength(2000);
        b.Property(c => c.Code).HasMaxLength(48);
        b.Property(c => c.Message).HasMaxLength(300);
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.ResolvedBy).HasMaxLength(128);
        b.Property(c => c.Resolution).HasMaxLength(300);
        b.HasIndex(c => new { c.SubdistrictId, c.Status, c.CreatedAt });
    }
}

public static class Conflicts
{
    public static async Task RecordAsync(CordonDb db, Caller caller, SampleCommand command, Error error, string message, DateTime now, CancellationToken cancellationToken)
    {
        if (command.Id == Guid.Empty || await db.SyncConflicts.AnyAsync(c => c.Id == command.Id, cancellationToken))
        {
            return;
        }

        db.SyncConflicts.Add(new SyncConflict
        {
            Id = command.Id,
            SubdistrictId = caller.SubdistrictId,
            RoundId = command.RoundId,
            DeviceId = command.DeviceId?[..Math.Min(64, command.DeviceId.Length)],
            DeviceSequence = command.DeviceSequence,
            SamplerName = caller.UserName,
            Payload = JsonSerializer.Serialize(command, CordonDb.AuditJson) is { Length: <= 2000 } json ? json : "{}",
            Code = error.Code,
            Message = message.Length > 300 ? message[..300] : message,
            CreatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same refused record arrived twice at once; one conflict is enough.
            db.ChangeTracker.Clear();
        }
    }
}
