using Cordon.Platform.Data;
using Cordon.Platform.Places;

namespace Cordon.Platform.People;

/// <summary>户: the people who share a flat's door. Usually one per flat.</summary>
public sealed class Household : IInJurisdiction, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid BuildingId { get; set; }

    public Guid FlatId { get; set; }

    public string Notes { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    /// <summary>The household of a flat, carrying the flat's place keys (tenant, neighborhood, compound, building).</summary>
    public static Household Of(Flat flat, DateTime now) => new()
    {
        SubdistrictId = flat.SubdistrictId,
        NeighborhoodId = flat.NeighborhoodId,
        CompoundId = flat.CompoundId,
        BuildingId = flat.BuildingId,
        FlatId = flat.Id,
        CreatedAt = now,
    };
}

/// <summary>居民: a person in the ledger.</summary>
public sealed class Resident : IInJurisdiction, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid BuildingId { get; set; }

    public Guid FlatId { get; set; }

    public Guid HouseholdId { get; set; }

    public string Name { get; set; } = "";

    public DocumentType DocumentType { get; set; } = DocumentType.IdCard;

    public string? DocumentNumber { get; set; }

    public string? Phone { get; set; }

    public Sex Sex { get; set; }

    public DateOnly? BirthDate { get; set; }

    /// <summary>与户主关系: 户主, 配偶, 子女, 父母, 租客 …</summary>
    public string Relation { get; set; } = "";

    public ResidenceStatus Status { get; set; } = ResidenceStatus.Resident;

    public DateOnly? StatusSince { get; set; }

    public NeedTag Tags { get; set; }

    public string Notes { get; set; } = "";

    /// <summary>Opaque random token printed as a QR slip; never derived from the ID number.</summary>
    public string SamplingCode { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: two people editing the same resident do not overwrite each other.</summary>
    public int Version { get; set; }
}

public enum DocumentType
{
    /// <summary>居民身份证</summary>
    IdCard,

    /// <summary>港澳居民来往内地通行证</summary>
    HkMacauPermit,

    /// <summary>台湾居民来往大陆通行证</summary>
    TaiwanPermit,

    /// <summary>护照</summary>
    Passport,

    /// <summary>外国人永久居留身份证</summary>
    ForeignPermanentResident,

    /// <summary>其他</summary>
    Other,
}

public enum Sex
{
    Unknown,
    Male,
    Female,
}

public enum ResidenceStatus
{
    /// <summary>常住: lives here.</summary>
    Resident,

    /// <summary>租住/暂住: a tenant or temporary resident.</summary>
    Tenant,

    /// <summary>外出: registered here but away since <see cref="Resident.StatusSince"/>.</summary>
    Away,

    /// <summary>已迁出: no longer lives here; kept for history, out of every list.</summary>
    MovedOut,
}

/// <summary>重点人群: special needs, stored as bit flags.</summary>
[Flags]
public enum NeedTag
{
    None = 0,

    /// <summary>孤寡老人</summary>
    ElderlyAlone = 1,

    /// <summary>独居</summary>
    LivesAlone = 2,

    /// <summary>重病/慢病</summary>
    Ill = 4,

    /// <summary>孕产妇</summary>
    Pregnant = 8,

    /// <summary>行动不便/卧床</summary>
    Mobility = 16,

    /// <summary>婴幼儿</summary>
    Infant = 32,

    /// <summary>残疾</summary>
    Disabled = 64,

    /// <summary>外籍</summary>
    Foreign = 128,
}

public static class NeedTags
{
    public static readonly NeedTag[] All =
        [NeedTag.ElderlyAlone, NeedTag.LivesAlone, NeedTag.Ill, NeedTag.Pregnant, NeedTag.Mobility, NeedTag.Infant, NeedTag.Disabled, NeedTag.Foreign];

    public static IEnumerable<NeedTag> Split(NeedTag tags) => All.Where(t => tags.HasFlag(t));

    /// <summary>Catalog key of a tag, e.g. <c>tag.elderly-alone</c>.</summary>
    public static string Key(NeedTag tag) => "tag." + Kebab(tag.ToString());

    public static string Key(DocumentType type) => "doc." + Kebab(type.ToString());

    public static string Key(ResidenceStatus status) => "status." + Kebab(status.ToString());

    public static string Key(Sex sex) => "sex." + Kebab(sex.ToString());

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
