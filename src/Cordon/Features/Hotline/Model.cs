using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Hotline;

public enum RequestCategory
{
    Food,
    Medicine,
    Medical,
    Parcel,
    Certificate,
    Testing,
    Complaint,
    Question,
    Other,
}

public enum RequestState
{
    /// <summary>Being worked on (with or without an owner yet).</summary>
    Open,

    /// <summary>Called back and closed.</summary>
    Closed,

    /// <summary>Folded into another request (the resident has that one's number).</summary>
    Merged,
}

/// <summary>
/// 诉求: one call (or a household-page message, a walk-in) with its number (<c>R1201-0042</c>), the flat it is about,
/// its category, urgency and deadline (from the call, not from when someone took it), and its owner. A hand-over
/// waits in <see cref="PendingOwnerId"/> until the new owner accepts. Sits in the flat's place for jurisdiction; a
/// call about no known flat sits at the sub-district (seen by those who see all of it).
/// </summary>
public sealed class HotlineRequest : IInJurisdiction, IAudited
{
    public Guid Id { get; set; }

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid? FlatId { get; set; }

    public string Number { get; set; } = "";

    public string? CallerPhone { get; set; }

    public RequestCategory Category { get; set; }

    public bool Urgent { get; set; }

    public string Channel { get; set; } = "phone";

    public string Text { get; set; } = "";

    public DateTime ReceivedAt { get; set; }

    public DateTime DueAt { get; set; }

    public RequestState State { get; set; }

    public string? OwnerId { get; set; }

    public string? OwnerName { get; set; }

    public string? PendingOwnerId { get; set; }

    public string? PendingOwnerName { get; set; }

    /// <summary>Who handed it over: a declined hand-over returns it to them.</summary>
    public string? PendingFromId { get; set; }

    public string? PendingFromName { get; set; }

    public Guid? MergedIntoId { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? ClosedAt { get; set; }

    public string? ClosedBy { get; set; }

    /// <summary>How it ended for the resident: <c>resolved</c>, <c>unresolved</c>, <c>unreachable</c> (no answer three times).</summary>
    public string? Outcome { get; set; }

    public int Version { get; set; }
}

/// <summary>One hop of a request's history: received, assigned, accepted, declined, merged, callback, note, closed.</summary>
public sealed class RequestEvent : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid RequestId { get; set; }

    public DateTime At { get; set; }

    public string Kind { get; set; } = "";

    public string By { get; set; } = "";

    public string? To { get; set; }

    /// <summary>What was said: a merged call's text, a callback's outcome, an internal note (never shown to the resident).</summary>
    public string? Note { get; set; }

    /// <summary>A callback's outcome: <c>resolved</c>, <c>unresolved</c>, <c>no_answer</c>.</summary>
    public string? Outcome { get; set; }

    public bool? Satisfied { get; set; }
}

internal sealed class HotlineMaps : IEntityTypeConfiguration<HotlineRequest>, IEntityTypeConfiguration<RequestEvent>
{
    public void Configure(EntityTypeBuilder<HotlineRequest> b)
    {
        b.ToTable("HotlineRequests");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Number).HasMaxLength(16);
        b.Property(r => r.CallerPhone).HasMaxLength(20).IsSensitive(SensitiveKind.Phone);
        b.Property(r => r.Category).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.State).HasConversion<string>().HasMaxLength(12);
        b.Property(r => r.Channel).HasMaxLength(16);
        b.Property(r => r.Text).HasMaxLength(1000).IsSensitive(SensitiveKind.Personal);
        b.Property(r => r.OwnerId).HasMaxLength(64);
        b.Property(r => r.OwnerName).HasMaxLength(128);
        b.Property(r => r.PendingOwnerId).HasMaxLength(64);
        b.Property(r => r.PendingOwnerName).HasMaxLength(128);
        b.Property(r => r.PendingFromId).HasMaxLength(64);
        b.Property(r => r.PendingFromName).HasMaxLength(128);
        b.Property(r => r.CreatedBy).HasMaxLength(128);
        b.Property(r => r.ClosedBy).HasMaxLength(128);
        b.Property(r => r.Outcome).HasMaxLength(16);
        b.Property(r => r.Version).IsConcurrencyToken();
        b.HasIndex(r => new { r.SubdistrictId, r.Number }).IsUnique();
        b.HasIndex(r => new { r.SubdistrictId, r.State, r.DueAt });
        b.HasIndex(r => new { r.SubdistrictId, r.CallerPhone, r.ReceivedAt });
        b.HasIndex(r => new { r.SubdistrictId, r.FlatId, r.ReceivedAt });
    }

    public void Configure(EntityTypeBuilder<RequestEvent> b)
    {
        b.ToTable("RequestEvents");
        b.Property(e => e.Kind).HasMaxLength(16);
        b.Property(e => e.By).HasMaxLength(128);
        b.Property(e => e.To).HasMaxLength(128);
        b.Property(e => e.Note).HasMaxLength(1000).IsSensitive(SensitiveKind.Personal);
        b.Property(e => e.Outcome).HasMaxLength(16);
        b.HasIndex(e => new { e.RequestId, e.At });
    }
}
