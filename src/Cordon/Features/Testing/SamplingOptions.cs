namespace Cordon.Features.Testing;

/// <summary>The <c>Cordon:Sampling</c> configuration section: the registration writer's bounds (docs/decisions/006).</summary>
public sealed class SamplingOptions
{
    public const string Section = "Cordon:Sampling";

    /// <summary>Samples waiting for the writer before the node answers 503 with Retry-After.</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>Samples committed together at most (group commit).</summary>
    public int MaxBatch { get; set; } = 500;
}
