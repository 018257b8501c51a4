using Cordon.Platform.Auth;

namespace Cordon.Platform.Web;

/// <summary>An entry of the main navigation, shown to callers who hold its permission.</summary>
public sealed record NavItem(string TextKey, string Path, Permission? Permission, int Order);

public static class Navigation
{
    /// <summary>Each feature adds its own entry, so the menu grows as features arrive.</summary>
    public static IServiceCollection AddNavItem(this IServiceCollection services, string textKey, string path, Permission? permission, int order) =>
        services.AddSingleton(new NavItem(textKey, path, permission, order));

    public static IEnumerable<NavItem> Visible(IEnumerable<NavItem> items, Caller caller) =>
        items.Where(i => i.Permission is not { } p || caller.Can(p)).OrderBy(i => i.Order);
}

/// <summary>A count a feature shows beside its menu entry (e.g. open sync conflicts), for callers who see the entry.</summary>
public interface INavBadge
{
    string Path { get; }

    Task<int> CountAsync(CancellationToken cancellationToken);
}
