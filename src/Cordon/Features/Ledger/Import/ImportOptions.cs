namespace Cordon.Features.Ledger.Import;

/// <summary>The <c>Cordon:Import</c> section: when an import leaves the request for a background job.</summary>
public sealed class ImportOptions
{
    public const string Section = "Cordon:Import";

    /// <summary>A file larger than this is imported in the background (5 MB: about 40,000 csv rows).</summary>
    public long BackgroundAboveBytes { get; set; } = 5L * 1024 * 1024;

    /// <summary>A file with more data rows than this is imported in the background.</summary>
    public int BackgroundAboveRows { get; set; } = 20_000;

    /// <summary>Background imports of different sub-districts that may run at once (one per sub-district always).</summary>
    public int ParallelSubdistricts { get; set; } = 2;
}
