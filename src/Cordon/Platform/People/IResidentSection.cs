namespace Cordon.Platform.People;

/// <summary>A block another feature adds to the resident page (e.g. testing history).</summary>
public interface IResidentSection
{
    int Order { get; }

    /// <summary>The view component to render, given <c>residentId</c>.</summary>
    string Component { get; }
}
