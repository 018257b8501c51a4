using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Clock;

/// <summary>
/// Raised once when a deadline turns warning, overdue or escalated (a unique key per deadline and state: never twice),
/// closed when the deadline is done or the next state supersedes it.
/// </summary>
public sealed class Alert : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid DeadlineId { get; set; }

    public string SubjectType { get; set; } = "";

    public Guid SubjectId { get; set; }

    public string Key { get; set; } = "";

    public DeadlineState State { get; set; }

    public string Title { get; set; } = "";

    public DateTime RaisedAt { get; set; }

    public DateTime? ClosedAt { get; set; }

    public string Kind => "deadline." + State.ToString().ToLowerInvariant();
}

internal sealed class AlertMap : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> b)
    {
        b.ToTable("Alerts");
        b.Property(a => a.SubjectType).HasMaxLength(24);
        b.Property(a => a.Key).HasMaxLength(32);
        b.Property(a => a.State).HasConversion<string>().HasMaxLength(12);
        b.Property(a => a.Title).HasMaxLength(200);
        b.Ignore(a => a.Kind);
        b.HasIndex(a => new { a.DeadlineId, a.State }).IsUnique();
        b.HasIndex(a => new { a.SubdistrictId, a.ClosedAt, a.RaisedAt });
    }
}
