using Cordon.Platform.Auth;

namespace Cordon.Platform.Web;

/// <summary>A feature's tile on the start page, with a few live figures.</summary>
public interface IHomeTile
{
    int Order { get; }

    Permission? Permission { get; }

    Task<HomeTileView> BuildAsync(CancellationToken cancellationToken);
}

public sealed record HomeFigure(string LabelKey, string Value);

public sealed record HomeTileView(string TitleKey, string LeadKey, string Path, IReadOnlyList<HomeFigure> Figures);
