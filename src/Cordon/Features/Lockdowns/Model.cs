using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Lockdowns;

/// <summary>封控区 sealed, 管控区 controlled, 防范区 precaution.</summary>
public enum LockdownLevel
{
    Sealed,
    Controlled,
    Precaution,
}

/// <summary>ordered → active (staff on site) → unlocked → disinfected → closed.</summary>
public enum LockdownStatus
{
    Ordered,
    Active,
    Unlocked,
    Disinfected,
    Closed,
}

/// <summary>
/// 封控令: buildings sealed from the moment the order was received (<see cref="ReceivedAt"/>, T0, which may be earlier
/// than when it was typed). Its milestones are <see cref="Platform.Clock.Deadline"/>s of subject type
/// <c>lockdown</c>; its response plan is the version it started with; its testing series lives in the testing
/// feature. Unlock eligibility is computed (<see cref="UnlockRule"/>); the fields under "board" are that
/// computation as the clock last saw it, so the board reads one row per lockdown.
/// </summary>
public sealed class Lockdown : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public string Name { get; set; } = "";

    public LockdownLevel Level { get; set; }

    public LockdownStatus Status { get; set; }

    /// <summary>T0: when the order was received (the phone rang).</summary>
    public DateTime ReceivedAt { get; set; }

    /// <summary>When it was typed into Cordon.</summary>
    public DateTime EnteredAt { get; set; }

    public string EnteredBy { get; set; } = "";

    /// <summary>Who gave the order (区指挥部, a name and title).</summary>
    public string OrderedBy { get; set; } = "";

    public string Reason { get; set; } = "";

    public int PlannedDays { get; set; } = 14;

    /// <summary>The response plan version it started with (<see cref="ResponsePlan.Version"/>).</summary>
    public int PlanVersion { get; set; }

    /// <summary>The "two tests within 48 hours" series created for it in the testing feature.</summary>
    public Guid? SeriesId { get; set; }

    public DateTime? ActivatedAt { get; set; }

    public DateTime? UnlockedAt { get; set; }

    public string? UnlockedBy { get; set; }

    /// <summary>Set when a commander unlocked against the rule: why (audited).</summary>
    public string? OverrideReason { get; set; }

    public DateTime? DisinfectedAt { get; set; }

    public DateTime? ClosedAt { get; set; }

    // Board: the last computation of the unlock rule (refreshed at every clock tick and after each change).

    public DateTime? LastPositiveAt { get; set; }

    public DateTime? EarliestUnlockAt { get; set; }

    public bool UnlockEligible { get; set; }

    /// <summary>The blocker codes, comma-separated (<c>quiet_period,no_clean_round</c>).</summary>
    public string Blockers { get; set; } = "";

    public int Residents { get; set; }

    /// <summary>The series round now being sampled (or the last one), and how many sealed residents it has sampled or exempted.</summary>
    public string TestingRound { get; set; } = "";

    public int TestingDone { get; set; }

    /// <summary>What its site QR holds (with the site page's address): arriving staff scan it to prove they are there.</summary>
    public string SiteCode { get; set; } = Platform.Sites.SiteCodes.New();

    public bool InForce => Status is LockdownStatus.Ordered or LockdownStatus.Active;
}

/// <summary>A building of a lockdown (a compound in the order becomes its buildings). Jurisdiction is the building's.</summary>
public sealed class LockdownBuilding : IInJurisdiction
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid LockdownId { get; set; }

    public Guid BuildingId { get; set; }
}

/// <summary>An item of a lockdown's checklist (联系物业, 张贴告示…), ticked with who and when.</summary>
public sealed class ChecklistItem : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid LockdownId { get; set; }

    public string Key { get; set; } = "";

    public string Label { get; set; } = "";

    public int Order { get; set; }

    public DateTime? DoneAt { get; set; }

    public string? DoneBy { get; set; }
}

/// <summary>消杀: one sealed entrance disinfected after unlock.</summary>
public sealed class Disinfection : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid LockdownId { get; set; }

    public Guid BuildingId { get; set; }

    public int Entrance { get; set; } = 1;

    public DateTime At { get; set; }

    /// <summary>The disinfectant (含氯消毒剂 500 mg/L).</summary>
    public string Agent { get; set; } = "";

    /// <summary>What was done (楼道、电梯、门把手).</summary>
    public string Areas { get; set; } = "";

    public string By { get; set; } = "";

    public string? PhotoFileId { get; set; }
}

/// <summary>One line of a lockdown's history: a transition, a milestone, a tick, a new positive.</summary>
public sealed class LockdownEvent : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid LockdownId { get; set; }

    public DateTime At { get; set; }

    /// <summary><c>ordered</c>, <c>active</c>, <c>milestone</c>, <c>checklist</c>, <c>positive</c>, <c>unlocked</c>, <c>override</c>, <c>disinfection</c>, <c>disinfected</c>, <c>closed</c>.</summary>
    public string Kind { get; set; } = "";

    public string By { get; set; } = "";

    /// <summary>What a person reads (no personal data): the milestone, the item, the reason.</summary>
    public string Note { get; set; } = "";
}

internal sealed class LockdownMaps :
    IEntityTypeConfiguration<Lockdown>, IEntityTypeConfiguration<LockdownBuilding>, IEntityTypeConfiguration<ChecklistItem>,
    IEntityTypeConfiguration<Disinfection>, IEntityTypeConfiguration<LockdownEvent>, IEntityTypeConfiguration<ResponsePlan>
{
    public void Configure(EntityTypeBuilder<Lockdown> b)
    {
        b.ToTable("Lockdowns");
        b.Property(l => l.Name).HasMaxLength(64);
        b.Property(l => l.Level).HasConversion<string>().HasMaxLength(12);
        b.Property(l => l.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(l => l.EnteredBy).HasMaxLength(128);
        b.Property(l => l.OrderedBy).HasMaxLength(64);
        b.Property(l => l.Reason).HasMaxLength(300);
        b.Property(l => l.UnlockedBy).HasMaxLength(128);
        b.Property(l => l.OverrideReason).HasMaxLength(300);
        b.Property(l => l.Blockers).HasMaxLength(200);
        b.Property(l => l.TestingRound).HasMaxLength(64);
        b.Property(l => l.SiteCode).HasMaxLength(16);
        b.HasIndex(l => new { l.SubdistrictId, l.Status });
    }

    public void Configure(EntityTypeBuilder<LockdownBuilding> b)
    {
        b.ToTable("LockdownBuildings");
        b.HasIndex(l => new { l.LockdownId, l.BuildingId }).IsUnique();
        b.HasIndex(l => new { l.SubdistrictId, l.BuildingId });
    }

    public void Configure(EntityTypeBuilder<ChecklistItem> b)
    {
        b.ToTable("LockdownChecklist");
        b.Property(c => c.Key).HasMaxLength(32);
        b.Property(c => c.Label).HasMaxLength(64);
        b.Property(c => c.DoneBy).HasMaxLength(128);
        b.HasIndex(c => new { c.LockdownId, c.Key }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<Disinfection> b)
    {
        b.ToTable("Disinfections");
        b.Property(d => d.Agent).HasMaxLength(64);
        b.Property(d => d.Areas).HasMaxLength(200);
        b.Property(d => d.By).HasMaxLength(128);
        b.Property(d => d.PhotoFileId).HasMaxLength(64);
        b.HasIndex(d => new { d.LockdownId, d.BuildingId, d.Entrance });
    }

    public void Configure(EntityTypeBuilder<LockdownEvent> b)
    {
        b.ToTable("LockdownEvents");
        b.Property(e => e.Kind).HasMaxLength(16);
        b.Property(e => e.By).HasMaxLength(128);
        b.Property(e => e.Note).HasMaxLength(300);
        b.HasIndex(e => new { e.LockdownId, e.At });
    }

    public void Configure(EntityTypeBuilder<ResponsePlan> b)
    {
        b.ToTable("ResponsePlans");
        b.Ignore(p => p.MilestoneList);
        b.Ignore(p => p.CheckList);
        b.Property(p => p.Milestones).HasMaxLength(4000);
        b.Property(p => p.Checklist).HasMaxLength(4000);
        b.Property(p => p.CreatedBy).HasMaxLength(128);
        b.HasIndex(p => new { p.SubdistrictId, p.Version }).IsUnique();
    }
}
