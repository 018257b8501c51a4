using Cordon.Platform.Data;
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

internal sealed class SweepMaps : IEntityTypeConfiguration<Sweep>, IEntityTypeConfiguration<SweepTeam>, IEntityTypeConfiguration<SweepEntrance>
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
}
