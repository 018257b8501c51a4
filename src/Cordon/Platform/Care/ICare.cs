using Cordon.Platform.Data;
using Cordon.Platform.Web;

namespace Cordon.Platform.Care;

/// <summary>
/// A care task ordered by another feature (a hotline request about medicine, in one step): for whom, what, when,
/// and where it came from so the task can link back (<see cref="SourceLink"/>, no personal data in it).
/// </summary>
public sealed record CareOrder(Guid ResidentId, string Kind, DateTime? DueAt, string? Recurrence, string? Note, string Source, Guid SourceId, string SourceLabel, string? SourceLink);

/// <summary>The care kinds' API codes, for the features that order care (the care feature's own list is this one).</summary>
public static class CareKinds
{
    public static readonly IReadOnlyList<string> Codes = ["meals", "medicine", "hospital", "transfer", "home_sampling", "check_in", "other"];
}

public sealed record CareTaskRef(Guid Id, string Kind, string State, DateTime DueAt, string Link);

/// <summary>Care tasks for the features that find the need (the hotline): implemented by the care feature.</summary>
public interface ICareTasks
{
    /// <summary>Creates the task in the caller's jurisdiction; the same source, resident and kind twice is one task.</summary>
    Task<(CareTaskRef? Task, Error? Error)> OrderAsync(CareOrder order, CancellationToken cancellationToken);

    Task<IReadOnlyList<CareTaskRef>> ForSourceAsync(string source, Guid sourceId, CancellationToken cancellationToken);
}

/// <summary>A need someone found at a flat (a sweep's 缺药, an open hotline call about medicine), not yet in the ledger.</summary>
public sealed record FoundNeed(Guid FlatId, string Need, DateTime At, string Source);

/// <summary>
/// What other features know about a flat that matters to care: needs found there, and when someone last reached its
/// people (a sweep team at the door, a hotline call or callback). The care register asks every source; the sources
/// know nothing of care. Queries run in the caller's jurisdiction.
/// </summary>
public interface ICareSignals
{
    Task<IReadOnlyList<FoundNeed>> NeedsAsync(CordonDb db, IReadOnlyCollection<Guid> flatIds, DateTime since, CancellationToken cancellationToken);

    /// <summary>The latest contact per flat since <paramref name="since"/>.</summary>
    Task<IReadOnlyDictionary<Guid, DateTime>> ContactsAsync(CordonDb db, IReadOnlyCollection<Guid> flatIds, DateTime since, CancellationToken cancellationToken);
}
