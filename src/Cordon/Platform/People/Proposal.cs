using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.People;

/// <summary>What a finding in the field would change in the ledger.</summary>
public enum ProposalKind
{
    /// <summary>Someone lives here who is not in the ledger (often a 14-day arrival).</summary>
    AddResident,

    /// <summary>A resident is away (since when, where).</summary>
    Away,

    /// <summary>A resident listed as away was found at home.</summary>
    Back,

    /// <summary>A resident no longer lives here.</summary>
    MovedOut,

    /// <summary>A resident has died: out of every list, kept for history with the note 已故.</summary>
    Deceased,

    /// <summary>A resident's phone is another one.</summary>
    Phone,

    /// <summary>Needs found at the door (elderly living alone, medicine, pregnancy, bedridden…).</summary>
    Needs,

    /// <summary>Nobody lives in the flat.</summary>
    Vacant,
}

public enum ProposalStatus
{
    Open,
    Approved,
    Rejected,
}

/// <summary>
/// 待核实变更: a change to the ledger that someone found in the field (a sweep's visit) and a person of the
/// jurisdiction approves or rejects. Nothing found at a door reaches the ledger without that approval; an
/// approval applies it through <see cref="Proposals"/>, with the ledger's rules and audit. Sits in the flat's
/// place, so jurisdiction filters it like the residents it is about.
/// </summary>
public sealed class LedgerProposal : IInJurisdiction, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid BuildingId { get; set; }

    public Guid FlatId { get; set; }

    /// <summary>The resident it is about; none for <see cref="ProposalKind.AddResident"/> and <see cref="ProposalKind.Vacant"/>.</summary>
    public Guid? ResidentId { get; set; }

    public ProposalKind Kind { get; set; }

    /// <summary>Which feature found it (<c>sweep</c>) and the record there (the visit).</summary>
    public string Source { get; set; } = "";

    public Guid SourceId { get; set; }

    /// <summary>Where it was found, for a person: "第2轮 中午 · 3队".</summary>
    public string SourceLabel { get; set; } = "";

    // What is proposed. Only the fields of its kind are set.
    public string? Name { get; set; }

    public DocumentType DocumentType { get; set; }

    public string? DocumentNumber { get; set; }

    public string? Phone { get; set; }

    public string? Relation { get; set; }

    public DateOnly? Since { get; set; }

    /// <summary>Where an away resident is (城市/医院/隔离点…).</summary>
    public string? Where { get; set; }

    public NeedTag Tags { get; set; }

    public string Note { get; set; } = "";

    public DateTime FoundAt { get; set; }

    public string FoundBy { get; set; } = "";

    public ProposalStatus Status { get; set; }

    public DateTime? DecidedAt { get; set; }

    public string? DecidedBy { get; set; }

    public string? Reason { get; set; }

    /// <summary>The resident an approved <see cref="ProposalKind.AddResident"/> created.</summary>
    public Guid? ResultResidentId { get; set; }

    public int Version { get; set; }
}

internal sealed class LedgerProposalMap : IEntityTypeConfiguration<LedgerProposal>
{
    public void Configure(EntityTypeBuilder<LedgerProposal> b)
    {
        b.ToTable("LedgerProposals");
        b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(12);
        b.Property(p => p.Source).HasMaxLength(24);
        b.Property(p => p.SourceLabel).HasMaxLength(100);
        b.Property(p => p.Name).HasMaxLength(ResidentRules.NameLength).IsSensitive(SensitiveKind.Personal);
        b.Property(p => p.DocumentType).HasConversion<string>().HasMaxLength(32);
        b.Property(p => p.DocumentNumber).HasMaxLength(32).IsSensitive(SensitiveKind.IdNumber);
        b.Property(p => p.Phone).HasMaxLength(20).IsSensitive(SensitiveKind.Phone);
        b.Property(p => p.Relation).HasMaxLength(ResidentRules.RelationLength).IsSensitive(SensitiveKind.Personal);
        b.Property(p => p.Where).HasMaxLength(100).IsSensitive(SensitiveKind.Personal);
        b.Property(p => p.Tags).IsSensitive(SensitiveKind.Personal);
        b.Property(p => p.Note).HasMaxLength(500).IsSensitive(SensitiveKind.Personal);
        b.Property(p => p.FoundBy).HasMaxLength(128);
        b.Property(p => p.DecidedBy).HasMaxLength(128);
        b.Property(p => p.Reason).HasMaxLength(200);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasIndex(p => new { p.SubdistrictId, p.Status, p.CompoundId });
        b.HasIndex(p => new { p.SubdistrictId, p.FlatId, p.Status });
        b.HasIndex(p => new { p.Source, p.SourceId });
    }
}
