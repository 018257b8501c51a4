namespace Cordon.Platform.Places;

/// <summary>
/// A tag a feature puts on buildings wherever the ledger lists them (封控中 from lockdowns), without the ledger knowing
/// the feature. One query per feature for all the buildings on the page.
/// </summary>
public interface IBuildingTags
{
    Task<IReadOnlyDictionary<Guid, GridMark>> TagsAsync(IReadOnlyCollection<Guid> buildingIds, CancellationToken cancellationToken);
}

public static class BuildingTags
{
    /// <summary>Every feature's tags for these buildings.</summary>
    public static async Task<ILookup<Guid, GridMark>> ForAsync(IEnumerable<IBuildingTags> sources, IReadOnlyCollection<Guid> buildingIds, CancellationToken cancellationToken)
    {
        var all = new List<KeyValuePair<Guid, GridMark>>();
        foreach (var source in sources)
        {
            all.AddRange(await source.TagsAsync(buildingIds, cancellationToken));
        }

        return all.ToLookup(p => p.Key, p => p.Value);
    }
}
