using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Sweeps;

/// <summary>
/// 扫楼: one round (1, 2, 3… with a label such as 上午) of door-to-door sweeping over a lockdown's sealed buildings or
/// some compounds, split into teams by <see cref="Planner"/>. Creating it makes the packets and closes the
/// lockdown's <c>sweep_ready</c> milestone.
/// </summary>
public sealed class Sweep : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid? LockdownId { get; set; }

    /// <summary>What it covers, for a person: the lockdown's name or the compounds'.</summary>
    public string Scope { get; set; } = "";

    public int Round { get; set; } = 1;

    public string Label { get; set; } = "";

    public int Teams { get; set; }

    /// <summary>(heaviest − lightest) / heaviest team, as planned or after the last move.</summary>
    public double Spread { get; set; }

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public int Version { get; set; }
}

/// <summary>A team of a sweep: its number, who is in it (from the call-up, or typed) and its planned work.</summary>
public sealed class SweepTeam : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid SweepId { get; set; }

    public int No { get; set; }

    public string Members { get; set; } = "";

    public double Effort { get; set; }

    public int Flats { get; set; }

    public int People { get; set; }
}

/// <summary>One stairwell of a sweep and the team that has it. Jurisdiction is its building's.</summary>
public sealed class SweepEntrance : IInJurisdiction
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid SweepId { get; set; }

    public Guid BuildingId { get; set; }

    public int Entrance { get; set; }

    public int Team { get; set; }

    /// <summary>Walking order within the sweep.</summary>
    public int Order { get; set; }

    public double Effort { get; set; }

    public int Flats { get; set; }

    public int People { get; set; }
}

public enum VisitOutcome
{
    Answered,
    NobodyHome,
    Refused,
    Vacant,
}

/// <summary>
/// One knock at one flat's door in a sweep round, recorded on a phone (often offline) with a client-made id: stored
/// once; a retry answers the first record. Who was found and how is kept here for the rounds' comparison; what
/// differs from the ledger becomes <see cref="LedgerProposal"/>s, never a ledger change by itself.
/// </summary>
public sealed class SweepVisit : IInJurisdiction, IAudited
{
    public Guid Id { get; set; }

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid BuildingId { get; set; }

    public Guid FlatId { get; set; }

    public Guid SweepId { get; set; }

    public int Round { get; set; }

    /// <summary>The team whose packet holds the flat when the visit was stored.</summary>
    public int Team { get; set; }

    public VisitOutcome Outcome { get; set; }

    public int? Occupants { get; set; }

    /// <summary>Each ledger resident as found: JSON <c>[{"residentId","presence","since","where"}]</c> (no names, no numbers).</summary>
    public string Presence { get; set; } = "[]";

    public int NewPeople { get; set; }

    /// <summary>Visitors of the last 14 days: JSON <c>[{"name","phone","since","relation"}]</c>; personal data.</summary>
    public string Visitors { get; set; } = "[]";

    public int VisitorCount { get; set; }

    public NeedTag Needs { get; set; }

    /// <summary>缺药: the people there are short of medicine (not a ledger tag; the care register picks it up).</summary>
    public bool NeedsMedicine { get; set; }

    public string Note { get; set; } = "";

    public DateTime VisitedAt { get; set; }

    public DateTime RecordedAt { get; set; }

    public string RecordedBy { get; set; } = "";

    public string? DeviceId { get; set; }

    public long? DeviceSequence { get; set; }

    /// <summary>A hash of what was sent: the same id with other content is a 409, not a silent overwrite.</summary>
    public string Fingerprint { get; set; } = "";
}

internal sealed class SweepMaps : IEntityTypeConfiguration<Sweep>, IEntityTypeConfiguration<SweepTeam>, IEntityTypeConfiguration<SweepEntrance>, IEntityTypeConfiguration<SweepVisit>
{
    public void Configure(EntityTypeBuilder<Sweep> b)
    {
        b.ToTable("Sweeps");
        b.Property(s => s.Scope).HasMaxLength(200);
        b.Property(s => s.Label).HasMaxLength(32);
        b.Property(s => s.CreatedBy).HasMaxLength(128);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasIndex(s => new { s.SubdistrictId, s.LockdownId, s.Round });
    }

    public void Configure(EntityTypeBuilder<SweepTeam> b)
    {
        b.ToTable("SweepTeams");
        b.Property(t => t.Members).HasMaxLength(300);
        b.HasIndex(t => new { t.SweepId, t.No }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<SweepEntrance> b)
    {
        b.ToTable("SweepEntrances");
        b.HasIndex(e => new { e.SweepId, e.BuildingId, e.Entrance }).IsUnique();
        b.HasIndex(e => new { e.SweepId, e.Team, e.Order });
    }

    public void Configure(EntityTypeBuilder<SweepVisit> b)
    {
        b.ToTable("SweepVisits");
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.Outcome).HasConversion<string>().HasMaxLength(12);
        b.Property(v => v.Presence).HasMaxLength(8000);
        b.Property(v => v.Visitors).HasMaxLength(4000).IsSensitive(SensitiveKind.Personal);
        b.Property(v => v.Needs).IsSensitive(SensitiveKind.Personal);
        b.Property(v => v.Note).HasMaxLength(500).IsSensitive(SensitiveKind.Personal);
        b.Property(v => v.RecordedBy).HasMaxLength(128);
        b.Property(v => v.DeviceId).HasMaxLength(64);
        b.Property(v => v.Fingerprint).HasMaxLength(64);
        b.HasIndex(v => new { v.SweepId, v.FlatId, v.VisitedAt });
        b.HasIndex(v => new { v.SubdistrictId, v.FlatId });
    }
}
