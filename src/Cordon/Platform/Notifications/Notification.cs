using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Notifications;

/// <summary>One in-app message to one user (the bell). Written in the same transaction as the change that causes it.</summary>
public sealed class Notification : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public string UserId { get; set; } = "";

    /// <summary>What makes two sends the same message: the second is not stored.</summary>
    public string DedupeKey { get; set; } = "";

    public string Title { get; set; } = "";

    public string Body { get; set; } = "";

    /// <summary>A path of this site (<c>/Lockdowns/…</c>), never personal data.</summary>
    public string? Link { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ReadAt { get; set; }
}

public enum OutboxState
{
    Pending,
    Sent,

    /// <summary>Folded into a digest because the channel's rate limit was reached.</summary>
    Coalesced,

    /// <summary>Given up after the last retry.</summary>
    Failed,

    /// <summary>Withdrawn before it was sent (the person answered on another channel).</summary>
    Cancelled,
}

/// <summary>
/// A message for a channel outside Cordon (a WeCom group robot, later SMS), written with the change that causes it
/// and sent afterwards by <see cref="OutboxDispatcher"/>, with retries. Nothing is sent that was not committed.
/// </summary>
public sealed class OutboxMessage : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    /// <summary><c>wecom</c> or <c>sms</c>.</summary>
    public string Channel { get; set; } = "";

    /// <summary>The robot's webhook URL (wecom) or the phone (sms).</summary>
    public string Target { get; set; } = "";

    public string DedupeKey { get; set; } = "";

    public string Title { get; set; } = "";

    public string Body { get; set; } = "";

    public string? Link { get; set; }

    /// <summary>Never folded into a digest (it carries personal links): it waits for room in the robot's rate instead.</summary>
    public bool NoDigest { get; set; }

    public DateTime CreatedAt { get; set; }

    public OutboxState State { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public DateTime? SentAt { get; set; }

    public string? LastError { get; set; }
}

internal sealed class NotificationMaps : IEntityTypeConfiguration<Notification>, IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("Notifications");
        b.Property(n => n.UserId).HasMaxLength(64);
        b.Property(n => n.DedupeKey).HasMaxLength(160);
        b.Property(n => n.Title).HasMaxLength(200);
        b.Property(n => n.Body).HasMaxLength(1000);
        b.Property(n => n.Link).HasMaxLength(300);
        b.HasIndex(n => new { n.SubdistrictId, n.UserId, n.DedupeKey }).IsUnique();
        b.HasIndex(n => new { n.SubdistrictId, n.UserId, n.ReadAt, n.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("Outbox");
        b.Property(m => m.Channel).HasMaxLength(12);
        b.Property(m => m.Target).HasMaxLength(500);
        b.Property(m => m.DedupeKey).HasMaxLength(160);
        b.Property(m => m.Title).HasMaxLength(200);
        b.Property(m => m.Body).HasMaxLength(2000);
        b.Property(m => m.Link).HasMaxLength(300);
        b.Property(m => m.State).HasConversion<string>().HasMaxLength(12);
        b.Property(m => m.LastError).HasMaxLength(300);
        b.HasIndex(m => new { m.Channel, m.Target, m.DedupeKey }).IsUnique();
        b.HasIndex(m => new { m.State, m.NextAttemptAt });
    }
}
