using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Features.Staffing;

/// <summary>What a person can be called for (职能). Stored as bits; API codes are the lower-case names.</summary>
[Flags]
public enum StaffRoles
{
    None = 0,
    Leader = 1,
    Sweeper = 2,
    Sampler = 4,
    Driver = 8,
    Registrar = 16,
    Gatekeeper = 32,
    Other = 64,
}

/// <summary>
/// Someone who may be called up (人员库), with or without a Cordon account. Staff data, not residents': the
/// sub-district's commanders see it, phone included; nobody else does.
/// </summary>
public sealed class StaffMember : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>11-digit mainland mobile; the key of a re-import.</summary>
    public string Mobile { get; set; } = "";

    /// <summary>单位: 街道机关, 居委, 物业, 医护, 民警, 志愿者… Also the WeCom group their messages go to.</summary>
    public string Organisation { get; set; } = "";

    public StaffRoles Roles { get; set; }

    /// <summary>The neighborhood (居民区) they live in: the first ring of a call-up there.</summary>
    public Guid? NeighborhoodId { get; set; }

    /// <summary>How far away they live, in minutes.</summary>
    public int TravelMinutes { get; set; }

    /// <summary>夜间可叫: may be woken between 22:00 and 07:00.</summary>
    public bool NightCallable { get; set; }

    /// <summary>The Cordon account (user name) of the person, for in-app messages; none for most.</summary>
    public string? UserName { get; set; }

    public bool Active { get; set; } = true;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; }
}

public enum CallUpState
{
    /// <summary>Calling: some quota is not covered yet.</summary>
    Open,

    /// <summary>Every quota is covered by "coming" answers.</summary>
    Filled,

    /// <summary>Rings ran out with some quota still short (the commander was alerted).</summary>
    Short,

    /// <summary>Ended by the commander (or its lockdown ended): links stop working.</summary>
    Closed,
}

/// <summary>
/// 调度: a need stated as quotas ("2 leaders, 16 sweepers") for a lockdown or stand-alone, called in rings by the
/// clock until every quota is covered or nobody is left to call.
/// </summary>
public sealed class CallUp : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid? LockdownId { get; set; }

    /// <summary>The lockdown's name, or what the commander called it.</summary>
    public string Title { get; set; } = "";

    /// <summary>Where to report (到哪里报到).</summary>
    public string ReportTo { get; set; } = "";

    public string Message { get; set; } = "";

    /// <summary>The neighborhoods whose residents are ring 1 (the lockdown's, or the one chosen).</summary>
    public string Neighborhoods { get; set; } = "";

    /// <summary>What arriving staff scan: the lockdown's site code, or the call-up's own.</summary>
    public string SiteCode { get; set; } = "";

    /// <summary>The address personal links start with (the configured public one, or the commander's).</summary>
    public string BaseUrl { get; set; } = "";

    public CallUpState State { get; set; }

    /// <summary>How long a ring has to answer before the next one is called.</summary>
    public int WaitMinutes { get; set; }

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    /// <summary>Personal links stop working then.</summary>
    public DateTime ExpiresAt { get; set; }

    public DateTime? ClosedAt { get; set; }

    /// <summary>People the commander struck from the proposal: no ring of this call-up calls them.</summary>
    public string Excluded { get; set; } = "";

    public int Version { get; set; }

    public IReadOnlyList<Guid> ExcludedIds => [.. Excluded.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)];

    public IReadOnlyList<Guid> NeighborhoodIds => [.. Neighborhoods.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)];
}

/// <summary>One quota of a call-up: a role and how many.</summary>
public sealed class CallUpNeed : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid CallUpId { get; set; }

    public StaffRoles Role { get; set; }

    public int Count { get; set; }

    public int Order { get; set; }

    /// <summary>The last ring called for it (1, 2, …).</summary>
    public int Ring { get; set; }

    /// <summary>When the next ring is called if the quota is still short; none: not waiting (met, or nobody left).</summary>
    public DateTime? NextRingAt { get; set; }

    /// <summary>Nobody left to call and still short.</summary>
    public bool Exhausted { get; set; }
}

public enum InvitationState
{
    /// <summary>Called, no answer yet.</summary>
    Waiting,
    Coming,
    Cannot,

    /// <summary>The quota was met before they answered: not needed, thank you.</summary>
    StoodDown,
}

/// <summary>One person called for one role of one call-up, with their personal link's token.</summary>
public sealed class Invitation : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid CallUpId { get; set; }

    public Guid StaffId { get; set; }

    public StaffRoles Role { get; set; }

    public int Ring { get; set; }

    /// <summary>The personal link's secret: 26 random letters (no digits, so no scrubber ever breaks a link).</summary>
    public string Token { get; set; } = "";

    public InvitationState State { get; set; }

    public DateTime InvitedAt { get; set; }

    public DateTime? AnsweredAt { get; set; }

    public int? EtaMinutes { get; set; }

    public DateTime? ArrivedAt { get; set; }

    /// <summary>Called although resting, over the limit or not callable at night: why (audited).</summary>
    public string? OverrideReason { get; set; }

    public string InvitedBy { get; set; } = "";

    public int Version { get; set; }

    public DateTime? ExpectedAt => AnsweredAt is { } at && EtaMinutes is { } eta ? at.AddMinutes(eta) : null;
}

/// <summary>Time on duty: from arrival on site to sign-off (by the person or their leader).</summary>
public sealed class DutyShift : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid StaffId { get; set; }

    public Guid? CallUpId { get; set; }

    public Guid? LockdownId { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    public string? EndedBy { get; set; }
}

/// <summary>The sub-district's fatigue rules (one row; defaults until a commander edits them).</summary>
public sealed class FatigueRules : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    /// <summary>No more than this many hours on duty in any 24.</summary>
    public int MaxHoursIn24 { get; set; } = 12;

    /// <summary>At least this many hours of rest between shifts.</summary>
    public int MinRestHours { get; set; } = 8;

    /// <summary>A day off after this many days in a row with duty.</summary>
    public int MaxDaysInRow { get; set; } = 6;

    public DateTime UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";
}

/// <summary>A WeCom group robot per organisation (单位), for call-up messages to that team; else the sub-district's. Audited by hand, masked: the URL is a secret.</summary>
public sealed class TeamRobot : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public string Organisation { get; set; } = "";

    public string WeComWebhook { get; set; } = "";

    public DateTime UpdatedAt { get; set; }
}

internal sealed class StaffingMaps :
    IEntityTypeConfiguration<StaffMember>, IEntityTypeConfiguration<CallUp>, IEntityTypeConfiguration<CallUpNeed>,
    IEntityTypeConfiguration<Invitation>, IEntityTypeConfiguration<DutyShift>, IEntityTypeConfiguration<FatigueRules>,
    IEntityTypeConfiguration<TeamRobot>
{
    public void Configure(EntityTypeBuilder<StaffMember> b)
    {
        b.ToTable("StaffMembers");
        b.Property(s => s.Name).HasMaxLength(32);
        b.Property(s => s.Mobile).HasMaxLength(11).IsSensitive(SensitiveKind.Phone);
        b.Property(s => s.Organisation).HasMaxLength(32);
        b.Property(s => s.UserName).HasMaxLength(128);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasIndex(s => new { s.SubdistrictId, s.Mobile }).IsUnique();
        b.HasIndex(s => new { s.SubdistrictId, s.Active, s.NeighborhoodId });
    }

    public void Configure(EntityTypeBuilder<CallUp> b)
    {
        b.ToTable("CallUps");
        b.Ignore(c => c.NeighborhoodIds);
        b.Ignore(c => c.ExcludedIds);
        b.Property(c => c.Title).HasMaxLength(64);
        b.Property(c => c.ReportTo).HasMaxLength(100);
        b.Property(c => c.Message).HasMaxLength(300);
        b.Property(c => c.Neighborhoods).HasMaxLength(2000);
        b.Property(c => c.SiteCode).HasMaxLength(16);
        b.Property(c => c.BaseUrl).HasMaxLength(300);
        b.Property(c => c.CreatedBy).HasMaxLength(128);
        b.Property(c => c.State).HasConversion<string>().HasMaxLength(12);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => new { c.SubdistrictId, c.State });
        b.HasIndex(c => c.LockdownId);
    }

    public void Configure(EntityTypeBuilder<CallUpNeed> b)
    {
        b.ToTable("CallUpNeeds");
        b.HasIndex(n => new { n.CallUpId, n.Role }).IsUnique();
        b.HasIndex(n => n.NextRingAt);
    }

    public void Configure(EntityTypeBuilder<Invitation> b)
    {
        b.ToTable("Invitations");
        b.Ignore(i => i.ExpectedAt);
        b.Property(i => i.Token).HasMaxLength(32);
        b.Property(i => i.State).HasConversion<string>().HasMaxLength(12);
        b.Property(i => i.OverrideReason).HasMaxLength(300);
        b.Property(i => i.InvitedBy).HasMaxLength(128);
        b.Property(i => i.Version).IsConcurrencyToken();
        b.HasIndex(i => i.Token).IsUnique();
        b.HasIndex(i => new { i.CallUpId, i.StaffId }).IsUnique();
        b.HasIndex(i => new { i.SubdistrictId, i.StaffId });
    }

    public void Configure(EntityTypeBuilder<DutyShift> b)
    {
        b.ToTable("DutyShifts");
        b.Property(d => d.EndedBy).HasMaxLength(128);
        b.HasIndex(d => new { d.SubdistrictId, d.StaffId, d.StartedAt });
        b.HasIndex(d => new { d.SubdistrictId, d.EndedAt });
    }

    public void Configure(EntityTypeBuilder<FatigueRules> b)
    {
        b.ToTable("FatigueRules");
        b.Property(r => r.UpdatedBy).HasMaxLength(128);
        b.HasIndex(r => r.SubdistrictId).IsUnique();
    }

    public void Configure(EntityTypeBuilder<TeamRobot> b)
    {
        b.ToTable("TeamRobots");
        b.Property(r => r.Organisation).HasMaxLength(32);
        b.Property(r => r.WeComWebhook).HasMaxLength(500);
        b.HasIndex(r => new { r.SubdistrictId, r.Organisation }).IsUnique();
    }
}
