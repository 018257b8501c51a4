using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Web;

namespace Cordon.Platform.Screening;

/// <summary>A set of buildings (with their compounds, for the residents' index) of one sub-district.</summary>
public sealed record BuildingScope(Guid SubdistrictId, IReadOnlyList<Guid> BuildingIds, IReadOnlyList<Guid> CompoundIds);

/// <summary>
/// What testing found over a set of buildings since a moment: the last new positive (a positive tube of a sample
/// from them, or a person of them found positive), and the last round in which every resident of them was sampled
/// or exempt (full coverage) — <see cref="CleanRoundAt"/> when all its tubes from them came back negative.
/// </summary>
public sealed record ScreeningFacts(DateTime? LastPositiveAt, DateTime? CleanRoundAt, string? CleanRound, DateTime? LastFullRoundAt);

/// <summary>The series round being sampled (or the last one opened) and how many residents of the scope it has done.</summary>
public sealed record ScreeningProgress(string Round, int Done, int Residents);

/// <summary>A "two tests within 48 hours" series as a page shows it: a round to link to and who has had both.</summary>
public sealed record SeriesSummary(Guid RoundId, int Done, int Once, int None, DateTime Deadline);

/// <summary>
/// Mass testing as other features need it (docs/decisions/008: features meet in the Platform, never import each
/// other). Lockdowns plan the series the rule demands and read the facts the unlock rule needs; the testing feature
/// answers. Everything here reads the whole scope whoever asks, and nothing personal.
/// </summary>
public interface IScreening
{
    /// <summary>Adds a series of two rounds within 48 hours over the buildings to the caller's unit of work; its id, or why not.</summary>
    Task<(Guid? SeriesId, Error? Error)> PlanSeriesAsync(CordonDb db, Caller caller, string name, IReadOnlyList<Guid> buildingIds, int? poolSize, DateTime now, CancellationToken cancellationToken);

    /// <summary>When the first round of each series was opened for sampling (series without an opened round are absent).</summary>
    Task<Dictionary<Guid, DateTime>> SeriesOpenedAsync(CordonDb db, IReadOnlyCollection<Guid> seriesIds, CancellationToken cancellationToken);

    Task<ScreeningFacts> FactsAsync(CordonDb db, BuildingScope scope, DateTime since, CancellationToken cancellationToken);

    Task<ScreeningProgress?> ProgressAsync(CordonDb db, BuildingScope scope, Guid seriesId, CancellationToken cancellationToken);

    /// <summary>The series for a page, within the caller's jurisdiction.</summary>
    Task<SeriesSummary?> SummaryAsync(CordonDb db, Guid seriesId, CancellationToken cancellationToken);
}
