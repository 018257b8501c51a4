using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Clock;

public enum DeadlineState
{
    Open,

    /// <summary>Three quarters of its time are gone.</summary>
    Warning,

    /// <summary>Its time is up.</summary>
    Overdue,

    /// <summary>A quarter of its time more is gone: it goes to the commander.</summary>
    Escalated,

    /// <summary>Closed by evidence (who, when) or by hand with a note.</summary>
    Done,

    /// <summary>What it belonged to ended first (a lockdown closed, a request withdrawn).</summary>
    Cancelled,
}

/// <summary>
/// A deadline as data (docs/decisions/013): what it is about (<see cref="SubjectType"/>, <see cref="SubjectId"/>,
/// <see cref="Key"/>), when it started and is due, the instants it turns to warning, overdue and escalated, and its
/// state. One watcher moves every sub-district's deadlines (<see cref="DeadlineWatcher"/>); features only create
/// them and close them. The lockdown's milestones, and later hotline requests, care tasks, call-ups and parcels,
/// are deadlines.
/// </summary>
public sealed class Deadline : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    /// <summary>What kind of thing it belongs to: <c>lockdown</c>, later <c>request</c>, <c>care-task</c>…</summary>
    public string SubjectType { get; set; } = "";

    public Guid SubjectId { get; set; }

    /// <summary>Which deadline of the subject: <c>arrive</c>, <c>tracing</c>, <c>sweep_ready</c>…</summary>
    public string Key { get; set; } = "";

    /// <summary>A line a person reads in an alert (no personal data): "政立路580弄 3号 · 人员到场".</summary>
    public string Title { get; set; } = "";

    public DateTime StartsAt { get; set; }

    public DateTime WarnAt { get; set; }

    public DateTime DueAt { get; set; }

    public DateTime EscalateAt { get; set; }

    public DeadlineState State { get; set; }

    public DateTime? DoneAt { get; set; }

    public string? DoneBy { get; set; }

    public string? Note { get; set; }

    /// <summary>Optimistic concurrency: two nodes never move the same deadline twice.</summary>
    public int Version { get; set; }

    /// <summary>
    /// A deadline from a start and a duration: warning at 75 %, overdue at 100 %, escalated at 125 % of its time.
    /// </summary>
    public static Deadline Create(Guid subdistrictId, string subjectType, Guid subjectId, string key, string title, DateTime startsAt, TimeSpan duration) => new()
    {
        SubdistrictId = subdistrictId,
        SubjectType = subjectType,
        SubjectId = subjectId,
        Key = key,
        Title = title,
        StartsAt = startsAt,
        WarnAt = startsAt + (duration * 0.75),
        DueAt = startsAt + duration,
        EscalateAt = startsAt + (duration * 1.25),
    };

    public bool IsClosed => State is DeadlineState.Done or DeadlineState.Cancelled;

    /// <summary>The state the clock says it should be in now (for an open one).</summary>
    public DeadlineState StateAt(DateTime now) =>
        now >= EscalateAt ? DeadlineState.Escalated
        : now >= DueAt ? DeadlineState.Overdue
        : now >= WarnAt ? DeadlineState.Warning
        : DeadlineState.Open;

    /// <summary>Moves forward to the state of <paramref name="now"/>; true when it changed (one alert per change).</summary>
    public bool Advance(DateTime now)
    {
        if (IsClosed || StateAt(now) is var next && next <= State)
        {
            return false;
        }

        State = next;
        Version++;
        return true;
    }

    /// <summary>Closed by evidence or by hand; a second close changes nothing (false).</summary>
    public bool Complete(DateTime at, string by, string? note)
    {
        if (IsClosed)
        {
            return false;
        }

        State = DeadlineState.Done;
        DoneAt = at;
        DoneBy = by;
        Note = note;
        Version++;
        return true;
    }

    public bool Cancel(DateTime at, string by)
    {
        if (IsClosed)
        {
            return false;
        }

        State = DeadlineState.Cancelled;
        DoneAt = at;
        DoneBy = by;
        Version++;
        return true;
    }
}

internal sealed class DeadlineMap : IEntityTypeConfiguration<Deadline>
{
    public void Configure(EntityTypeBuilder<Deadline> b)
    {
        b.ToTable("Deadlines");
        b.Property(d => d.SubjectType).HasMaxLength(24);
        b.Property(d => d.Key).HasMaxLength(32);
        b.Property(d => d.Title).HasMaxLength(200);
        b.Property(d => d.State).HasConversion<string>().HasMaxLength(12);
        b.Property(d => d.DoneBy).HasMaxLength(128);
        b.Property(d => d.Note).HasMaxLength(300);
        b.Property(d => d.Version).IsConcurrencyToken();
        b.HasIndex(d => new { d.SubdistrictId, d.SubjectType, d.SubjectId, d.Key }).IsUnique();
        b.HasIndex(d => new { d.State, d.WarnAt });
    }
}
