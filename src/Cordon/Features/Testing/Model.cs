using Cordon.Platform.Data;
using Cordon.Platform.People;
using Web = Cordon.Platform.Web;

namespace Cordon.Features.Testing;

public enum RoundStatus
{
    Planned,
    Open,
    Closed,
}

public enum RoundRule
{
    /// <summary>A routine round.</summary>
    Routine,

    /// <summary>Part of "two tests within 48 hours" for a sealed building: rounds share a series.</summary>
    TwoWithin48Hours,
}

public enum TubeResult
{
    Pending,
    Negative,
    Positive,
    Invalid,
}

public enum ExemptionKind
{
    /// <summary>Verified away (not in the building).</summary>
    Away,

    /// <summary>In hospital.</summary>
    Hospitalized,

    /// <summary>Already positive (under care elsewhere).</summary>
    Positive,

    Other,
}

/// <summary>核酸检测轮次: everyone in the scope, in one time window, pooled N to a tube.</summary>
public sealed class TestingRound : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>1, 5, 10 or 20 samples per tube.</summary>
    public int PoolSize { get; set; } = 10;

    public DateTime StartsAt { get; set; }

    public DateTime EndsAt { get; set; }

    public RoundRule Rule { get; set; }

    /// <summary>Rounds of one "two within 48 hours" requirement share this id.</summary>
    public Guid? SeriesId { get; set; }

    public RoundStatus Status { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? OpenedAt { get; set; }

    public DateTime? ClosedAt { get; set; }

    /// <summary>Samples an hour one sampler is planned for (a point's rate is its samplers × this) until the round measures its own.</summary>
    public int PlannedRatePerPoint { get; set; } = 150;

    /// <summary>What every tube barcode of this round starts with (the lab's batch prefix), or empty.</summary>
    public string TubePrefix { get; set; } = "";

    /// <summary>The exact length of this round's tube barcodes, or 0 for any length from 6 to 32.</summary>
    public int TubeLength { get; set; }

    /// <summary>
    /// Whether a scan is one of this round's tube barcodes: letters and digits, the round's prefix and length when set.
    /// A scan that is not (a code missing a character, <c>hello world</c>) never becomes the current tube.
    /// </summary>
    public bool IsTubeCode(string code) =>
        code.Length is >= 6 and <= 32 && code.All(char.IsAsciiLetterOrDigit)
        && code.StartsWith(TubePrefix, StringComparison.OrdinalIgnoreCase)
        && (TubeLength == 0 || code.Length == TubeLength);

    /// <summary>Set on a recall round (复核): single-tube retests of the members of this round's positive pools.</summary>
    public Guid? RecallOf { get; set; }

    /// <summary>Opens a planned round for sampling.</summary>
    public Web.Error? Open(DateTime now)
    {
        if (Status == RoundStatus.Closed)
        {
            return TestingErrors.RoundClosed;
        }

        if (Status == RoundStatus.Open)
        {
            return null;
        }

        Status = RoundStatus.Open;
        OpenedAt = now;
        return null;
    }

    /// <summary>How long after closing a commander may still reopen a round (a round closed by mistake at 3 a.m.).</summary>
    public static readonly TimeSpan ReopenWindow = TimeSpan.FromHours(24);

    /// <summary>Reopens a round closed less than <see cref="ReopenWindow"/> ago; the caller records the reason.</summary>
    public Web.Error? Reopen(DateTime now)
    {
        if (Status != RoundStatus.Closed)
        {
            return TestingErrors.RoundNotClosed;
        }

        if (ClosedAt is { } closed && now - closed > ReopenWindow)
        {
            return TestingErrors.ReopenTooLate;
        }

        Status = RoundStatus.Open;
        ClosedAt = null;
        return null;
    }

    /// <summary>Closes a round: no more samples; lab results still arrive.</summary>
    public Web.Error? Close(DateTime now)
    {
        if (Status == RoundStatus.Closed)
        {
            return null;
        }

        Status = RoundStatus.Closed;
        ClosedAt = now;
        return null;
    }
}

/// <summary>One part of a round's scope: a neighborhood, a compound or a building.</summary>
public sealed class RoundScope : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid RoundId { get; set; }

    public Guid? NeighborhoodId { get; set; }

    public Guid? CompoundId { get; set; }

    public Guid? BuildingId { get; set; }
}

/// <summary>采样点: where samplers stand, with the buildings sent to it.</summary>
public sealed class SamplingPoint : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid RoundId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The compound the point stands in: its buildings are sent here first. Null: a point that serves any.</summary>
    public Guid? CompoundId { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class PointSampler : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid PointId { get; set; }

    public string UserId { get; set; } = "";
}

/// <summary>A sample tube: a pool of up to <see cref="Capacity"/> people, or a single tube.</summary>
public sealed class Tube : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid RoundId { get; set; }

    /// <summary>The barcode, unique in the sub-district (a database constraint).</summary>
    public string Code { get; set; } = "";

    public int Capacity { get; set; }

    /// <summary>
    /// Samples in the tube when it was sealed. While it is open the live count is its records: the
    /// unique (tube, position) index, not this column, keeps a tube from overflowing.
    /// </summary>
    public int Count { get; set; }

    public Guid? PointId { get; set; }

    public DateTime OpenedAt { get; set; }

    public DateTime? SealedAt { get; set; }

    public TubeResult Result { get; set; }

    public DateTime? ResultAt { get; set; }
}

/// <summary>
/// One registered sample. Its id is made on the sampler's device, so a retry is recognised and
/// answered with the first result; a person is sampled once per round and a tube position is taken
/// once (database constraints, not checks).
/// </summary>
public sealed class SampleRecord : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid SubdistrictId { get; set; }

    public Guid RoundId { get; set; }

    public Guid TubeId { get; set; }

    public string TubeCode { get; set; } = "";

    public int Position { get; set; }

    public Guid? ResidentId { get; set; }

    public Guid? VisitorId { get; set; }

    /// <summary>Where the person lives (residents) or visits (visitors), for coverage by compound.</summary>
    public Guid? CompoundId { get; set; }

    public Guid? BuildingId { get; set; }

    /// <summary>A resident from outside the round's scope, sampled as a visitor, with the reason.</summary>
    public string? OutOfScopeReason { get; set; }

    public DateTime TakenAt { get; set; }

    public DateTime RecordedAt { get; set; }

    public string SamplerId { get; set; } = "";

    public string SamplerName { get; set; } = "";

    public Guid? PointId { get; set; }

    public string? DeviceId { get; set; }

    public long? DeviceSequence { get; set; }

    /// <summary>Hash of what the client sent, to tell a retry from a different write under the same id.</summary>
    public string ContentHash { get; set; } = "";
}

/// <summary>A person tested who is not in the ledger: a visitor, flagged for the ledger.</summary>
public sealed class Visitor : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid RoundId { get; set; }

    public string Name { get; set; } = "";

    public string? Phone { get; set; }

    public DocumentType DocumentType { get; set; }

    public string? DocumentNumber { get; set; }

    public Guid? CompoundId { get; set; }

    /// <summary>Whom or what they visit.</summary>
    public string Reason { get; set; } = "";

    /// <summary>A code like a resident's sampling code, to register their sample.</summary>
    public string SamplingCode { get; set; } = "";

    /// <summary>Still to be checked by the committee and added to (or kept out of) the ledger.</summary>
    public bool FlaggedForLedger { get; set; } = true;

    public DateTime CreatedAt { get; set; }
}

/// <summary>A resident left out of a round's "missing" on purpose, with the reason (audited).</summary>
public sealed class Exemption : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid RoundId { get; set; }

    public Guid ResidentId { get; set; }

    public ExemptionKind Kind { get; set; }

    public string Note { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";
}

/// <summary>A person found positive by a single tube; later features turn it into tracing and a lockdown proposal.</summary>
public sealed class PositiveCase : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid ResidentId { get; set; }

    public Guid RoundId { get; set; }

    public Guid TubeId { get; set; }

    public DateTime DetectedAt { get; set; }
}

public enum CorrectionStatus
{
    /// <summary>Away from positive: waits for a commander; until then the tube stays positive and its people recalled.</summary>
    Pending,

    /// <summary>Applied to the tube (at once, or when a commander confirmed it).</summary>
    Applied,

    /// <summary>A commander kept the earlier result.</summary>
    Rejected,
}

/// <summary>
/// 结果更正: a result changed after it was reported, with who, when and why. A correction away from positive keeps the
/// recall until a commander confirms it, so a wrong or malicious "negative" cannot send ten people off the list.
/// </summary>
public sealed class TubeCorrection : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid TubeId { get; set; }

    public Guid RoundId { get; set; }

    public string TubeCode { get; set; } = "";

    public TubeResult From { get; set; }

    public TubeResult To { get; set; }

    public string Reason { get; set; } = "";

    public string RequestedBy { get; set; } = "";

    public DateTime RequestedAt { get; set; }

    public CorrectionStatus Status { get; set; }

    public string? DecidedBy { get; set; }

    public DateTime? DecidedAt { get; set; }

    public static bool NeedsConfirmation(TubeResult from, TubeResult to) => from == TubeResult.Positive && to != TubeResult.Positive;

    /// <summary>A commander's decision on a pending correction: applied to the tube, or the earlier result kept.</summary>
    public Web.Error? Decide(Tube tube, bool confirm, string by, DateTime now)
    {
        if (Status != CorrectionStatus.Pending || tube.Id != TubeId)
        {
            return TestingErrors.CorrectionNotFound;
        }

        Status = confirm ? CorrectionStatus.Applied : CorrectionStatus.Rejected;
        DecidedBy = by;
        DecidedAt = now;
        if (confirm)
        {
            tube.Result = To;
            tube.ResultAt = now;
        }

        return null;
    }
}

public enum KnockOutcome
{
    /// <summary>无人应门: nobody opened; knock again later.</summary>
    NobodyHome,

    /// <summary>马上下楼: they are coming down to the sampling point.</summary>
    WillComeDown,

    /// <summary>已在别处采样: sampled elsewhere (work, hospital); the committee checks.</summary>
    SampledElsewhere,

    /// <summary>拒绝: refused; the committee follows up.</summary>
    Refused,

    /// <summary>已搬走: no longer lives here; the ledger is corrected by the committee.</summary>
    MovedOut,
}

/// <summary>
/// 敲门记录: what a volunteer found at a resident's door during a round, recorded on the phone (offline too: the id is
/// made on the device). The door-knock list and the dashboard show the latest per person.
/// </summary>
public sealed class DoorKnock : IInJurisdiction
{
    public Guid Id { get; set; }

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid RoundId { get; set; }

    public Guid ResidentId { get; set; }

    public Guid FlatId { get; set; }

    public KnockOutcome Outcome { get; set; }

    public string Note { get; set; } = "";

    public DateTime KnockedAt { get; set; }

    public DateTime RecordedAt { get; set; }

    public string UserId { get; set; } = "";

    public string UserName { get; set; } = "";
}
