using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Care;

public enum CareKind
{
    /// <summary>送餐</summary>
    Meals,

    /// <summary>送药/配药</summary>
    Medicine,

    /// <summary>就医 (and back): dialysis, chemotherapy, a check-up.</summary>
    Hospital,

    /// <summary>转运: to a hospital or a quarantine site, not coming back the same day.</summary>
    Transfer,

    /// <summary>上门采样: for those who cannot walk to the site.</summary>
    HomeSampling,

    /// <summary>电话问候/探访</summary>
    CheckIn,

    Other,
}

public enum CareState
{
    Requested,
    Assigned,
    InProgress,
    Done,

    /// <summary>The resident or their family said it was done (by phone, on the household page, or to the volunteer at the door).</summary>
    Confirmed,

    /// <summary>No longer needed (the resident was admitted, moved, or the plan stopped), with a reason.</summary>
    Cancelled,
}

/// <summary>
/// 关爱任务: one thing to do for one resident (meals, insulin, dialysis…), due at a time, owned by someone, tracked
/// until the resident confirms it. A recurring need is a series (<see cref="SeriesId"/>): the next task is made on
/// the clock once this one is confirmed. A task done but not confirmed in time comes back to its owner. Sits in
/// the resident's place, so jurisdiction filters it.
/// </summary>
public sealed class CareTask : IInJurisdiction, IAudited
{
    public Guid Id { get; set; }

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid FlatId { get; set; }

    public Guid ResidentId { get; set; }

    public CareKind Kind { get; set; }

    public DateTime DueAt { get; set; }

    /// <summary>As given, normalized (<c>P3D</c>, <c>FREQ=WEEKLY;BYDAY=MO,WE,FR</c>); null for a one-off.</summary>
    public string? Recurrence { get; set; }

    /// <summary>The first task of the series (its own id for a one-off).</summary>
    public Guid SeriesId { get; set; }

    /// <summary>1 for the first task of a series, 2 for the next…</summary>
    public int Occurrence { get; set; } = 1;

    /// <summary>Set once the series' next task exists (or the series ended): the clock never makes it twice.</summary>
    public bool NextMade { get; set; }

    public CareState State { get; set; }

    public string? OwnerId { get; set; }

    public string? OwnerName { get; set; }

    public string Note { get; set; } = "";

    /// <summary>What was done (brought 3 pens of insulin; lunch and dinner).</summary>
    public string? Outcome { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? DoneAt { get; set; }

    public string? DoneBy { get; set; }

    public DateTime? ConfirmedAt { get; set; }

    /// <summary><c>phone</c>, <c>household_page</c> or <c>volunteer</c>.</summary>
    public string? ConfirmedVia { get; set; }

    public string? ConfirmedBy { get; set; }

    /// <summary>How many times it came back unconfirmed.</summary>
    public int Returned { get; set; }

    // A hospital visit or a transfer: the trip.
    public string? Vehicle { get; set; }

    public string? Driver { get; set; }

    public string? Destination { get; set; }

    public DateTime? DepartedAt { get; set; }

    public DateTime? ArrivedAt { get; set; }

    public DateTime? ReturnedAt { get; set; }

    /// <summary>Who took the resident over at the destination (the ward's nurse, the site's doctor).</summary>
    public string? HandedOverTo { get; set; }

    /// <summary>Where it came from: <c>request</c> (a hotline call), <c>register</c>, <c>plan</c> (the series).</summary>
    public string Source { get; set; } = "register";

    public Guid? SourceId { get; set; }

    public string? SourceLabel { get; set; }

    public string? SourceLink { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public int Version { get; set; }
}

/// <summary>One step of a task's history: created, assigned, started, done, confirmed, returned, cancelled, trip.</summary>
public sealed class CareEvent : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid TaskId { get; set; }

    public DateTime At { get; set; }

    public string Kind { get; set; } = "";

    public string By { get; set; } = "";

    public string? To { get; set; }

    public string? Note { get; set; }
}

/// <summary>A contact with a person in the register that was not a task (a call to ask how they are, a word at the door).</summary>
public sealed class CareContact : IInJurisdiction
{
    public Guid Id { get; set; }

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid FlatId { get; set; }

    public Guid ResidentId { get; set; }

    public DateTime At { get; set; }

    /// <summary><c>phone</c>, <c>visit</c>, <c>household_page</c>.</summary>
    public string Channel { get; set; } = "phone";

    /// <summary>Reached and well, reached with a need, or not reached.</summary>
    public string Outcome { get; set; } = "well";

    public string Note { get; set; } = "";

    public string By { get; set; } = "";
}

internal sealed class CareMaps : IEntityTypeConfiguration<CareTask>, IEntityTypeConfiguration<CareEvent>, IEntityTypeConfiguration<CareContact>
{
    public void Configure(EntityTypeBuilder<CareTask> b)
    {
        b.ToTable("CareTasks");
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(t => t.State).HasConversion<string>().HasMaxLength(12);
        b.Property(t => t.Recurrence).HasMaxLength(120);
        b.Property(t => t.OwnerId).HasMaxLength(64);
        b.Property(t => t.OwnerName).HasMaxLength(128);
        b.Property(t => t.Note).HasMaxLength(500).IsSensitive(SensitiveKind.Personal);
        b.Property(t => t.Outcome).HasMaxLength(500).IsSensitive(SensitiveKind.Personal);
        b.Property(t => t.DoneBy).HasMaxLength(128);
        b.Property(t => t.ConfirmedVia).HasMaxLength(16);
        b.Property(t => t.ConfirmedBy).HasMaxLength(128);
        b.Property(t => t.Vehicle).HasMaxLength(32);
        b.Property(t => t.Driver).HasMaxLength(64);
        b.Property(t => t.Destination).HasMaxLength(100);
        b.Property(t => t.HandedOverTo).HasMaxLength(64);
        b.Property(t => t.Source).HasMaxLength(16);
        b.Property(t => t.SourceLabel).HasMaxLength(32);
        b.Property(t => t.SourceLink).HasMaxLength(200);
        b.Property(t => t.CreatedBy).HasMaxLength(128);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasIndex(t => new { t.SubdistrictId, t.State, t.DueAt });
        b.HasIndex(t => new { t.SubdistrictId, t.ResidentId, t.DueAt });
        b.HasIndex(t => new { t.SeriesId, t.Occurrence }).IsUnique();
        b.HasIndex(t => new { t.SubdistrictId, t.Source, t.SourceId });
    }

    public void Configure(EntityTypeBuilder<CareEvent> b)
    {
        b.ToTable("CareEvents");
        b.Property(e => e.Kind).HasMaxLength(16);
        b.Property(e => e.By).HasMaxLength(128);
        b.Property(e => e.To).HasMaxLength(128);
        b.Property(e => e.Note).HasMaxLength(500).IsSensitive(SensitiveKind.Personal);
        b.HasIndex(e => new { e.TaskId, e.At });
    }

    public void Configure(EntityTypeBuilder<CareContact> b)
    {
        b.ToTable("CareContacts");
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Channel).HasMaxLength(16);
        b.Property(c => c.Outcome).HasMaxLength(16);
        b.Property(c => c.Note).HasMaxLength(300).IsSensitive(SensitiveKind.Personal);
        b.Property(c => c.By).HasMaxLength(128);
        b.HasIndex(c => new { c.SubdistrictId, c.FlatId, c.At });
    }
}
