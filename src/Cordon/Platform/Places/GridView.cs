namespace Cordon.Platform.Places;

/// <summary>What the grid partial draws: the building, optional marks per flat, and where a cell leads.</summary>
public sealed record GridView(BuildingGrid Grid, IReadOnlyDictionary<Guid, GridMark>? Marks = null, string FlatLink = "/Ledger/Flats/")
{
    /// <summary>The marks in use, for the legend.</summary>
    public IEnumerable<GridMark> Legend => Marks?.Values.DistinctBy(m => m.CssClass) ?? [];
}
