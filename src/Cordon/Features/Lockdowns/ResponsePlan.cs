using System.Text.Json;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>A milestone of the plan: its key, what people read (empty: the catalog's text for the key), minutes after T0.</summary>
public sealed record PlanMilestone(string Key, string? Label, int Minutes);

/// <summary>An item of the plan's checklist.</summary>
public sealed record PlanCheck(string Key, string? Label);

/// <summary>
/// 应急处置预案 of a sub-district, versioned: milestones after T0, the checklist, and the unlock rule's window for
/// a clean round. Saving makes a new version; a lockdown keeps the version it started with. Version 0 is the
/// built-in default (the seed's: on site in 20 minutes, tracing in 2 hours, the sweep ready in 3½ hours).
/// </summary>
public sealed class ResponsePlan : ITenantOwned
{
    public const int MaxMilestones = 12;
    public const int MaxChecks = 30;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public int Version { get; set; }

    /// <summary>JSON list of <see cref="PlanMilestone"/>.</summary>
    public string Milestones { get; set; } = "[]";

    /// <summary>JSON list of <see cref="PlanCheck"/>.</summary>
    public string Checklist { get; set; } = "[]";

    /// <summary>The unlock rule: the last full-coverage all-negative round must be this recent.</summary>
    public int CleanRoundHours { get; set; } = 48;

    public DateTime CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public static readonly IReadOnlyList<PlanMilestone> DefaultMilestones =
    [
        new("arrive", null, 20),
        new("tracing", null, 120),
        new("sweep_ready", null, 210),
        new("testing_started", null, 360),
    ];

    public static readonly IReadOnlyList<PlanCheck> DefaultChecklist =
    [
        new("property", null), new("notice", null), new("clear", null), new("bins", null), new("tent", null), new("power", null),
    ];

    public IReadOnlyList<PlanMilestone> MilestoneList => JsonSerializer.Deserialize<List<PlanMilestone>>(Milestones, Json) ?? [];

    public IReadOnlyList<PlanCheck> CheckList => JsonSerializer.Deserialize<List<PlanCheck>>(Checklist, Json) ?? [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    public static ResponsePlan Default(Guid subdistrictId) => new()
    {
        SubdistrictId = subdistrictId,
        Version = 0,
        Milestones = JsonSerializer.Serialize(DefaultMilestones, Json),
        Checklist = JsonSerializer.Serialize(DefaultChecklist, Json),
        CreatedBy = "system",
    };

    /// <summary>The sub-district's newest plan (the default when none was saved).</summary>
    public static async Task<ResponsePlan> CurrentAsync(CordonDb db, Guid subdistrictId, CancellationToken cancellationToken) =>
        await db.Set<ResponsePlan>().AsNoTracking().Where(p => p.SubdistrictId == subdistrictId).OrderByDescending(p => p.Version)
            .FirstOrDefaultAsync(cancellationToken) ?? Default(subdistrictId);

    public static async Task<ResponsePlan> VersionAsync(CordonDb db, Guid subdistrictId, int version, CancellationToken cancellationToken) =>
        version == 0 ? Default(subdistrictId)
        : await db.Set<ResponsePlan>().AsNoTracking().SingleOrDefaultAsync(p => p.SubdistrictId == subdistrictId && p.Version == version, cancellationToken) ?? Default(subdistrictId);

    /// <summary>
    /// Checks a new version: keys are lower-case letters, digits and <c>_</c> (at most 32), unique; the built-in
    /// milestones <c>arrive</c>, <c>tracing</c> and <c>sweep_ready</c> stay (other programs read them); minutes 1 to
    /// 14 days; labels at most 64 characters; the clean-round window 12 to 168 hours.
    /// </summary>
    public static Error? Check(IReadOnlyList<PlanMilestone> milestones, IReadOnlyList<PlanCheck> checks, int cleanRoundHours)
    {
        if (milestones.Count is 0 or > MaxMilestones || checks.Count > MaxChecks)
        {
            return LockdownErrors.PlanInvalid;
        }

        var keys = milestones.Select(m => m.Key).Concat(checks.Select(c => c.Key)).ToList();
        if (keys.Any(k => k is not { Length: > 0 and <= 32 } || !k.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            || milestones.Select(m => m.Key).Distinct().Count() != milestones.Count || checks.Select(c => c.Key).Distinct().Count() != checks.Count
            || !new[] { "arrive", "tracing", "sweep_ready" }.All(k => milestones.Any(m => m.Key == k))
            || milestones.Any(m => m.Minutes is < 1 or > 14 * 24 * 60 || m.Label?.Length > 64)
            || checks.Any(c => c.Label?.Length > 64)
            || cleanRoundHours is < 12 or > 168)
        {
            return LockdownErrors.PlanInvalid;
        }

        return null;
    }

    /// <summary>Adds the next version (the caller saves).</summary>
    public static async Task<ResponsePlan> AddVersionAsync(
        CordonDb db, Guid subdistrictId, IReadOnlyList<PlanMilestone> milestones, IReadOnlyList<PlanCheck> checks, int cleanRoundHours, string by, DateTime now, CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(db, subdistrictId, cancellationToken);
        var plan = new ResponsePlan
        {
            SubdistrictId = subdistrictId,
            Version = current.Version + 1,
            Milestones = JsonSerializer.Serialize(milestones.Select(m => m with { Label = Text.Clean(m.Label) is { Length: > 0 } l ? l : null }), Json),
            Checklist = JsonSerializer.Serialize(checks.Select(c => c with { Label = Text.Clean(c.Label) is { Length: > 0 } l ? l : null }), Json),
            CleanRoundHours = cleanRoundHours,
            CreatedAt = now,
            CreatedBy = by,
        };
        db.Set<ResponsePlan>().Add(plan);
        return plan;
    }
}
