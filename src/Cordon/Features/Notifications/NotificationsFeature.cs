using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Notifications;

/// <summary>The bell: the caller's in-app messages (docs/decisions/013) with the unread count beside the menu entry.</summary>
public static class NotificationsFeature
{
    public const string Path = "/Notifications";

    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.notifications", Path, null, 5);
        builder.Services.AddScoped<INavBadge, UnreadBadge>();
        return builder;
    }

    /// <summary>Unread messages of the caller: one indexed count per page view.</summary>
    private sealed class UnreadBadge(CordonDb db, Caller caller) : INavBadge
    {
        public string Path => NotificationsFeature.Path;

        public Task<int> CountAsync(CancellationToken cancellationToken) =>
            db.Set<Notification>().CountAsync(n => n.UserId == caller.UserId && n.ReadAt == null, cancellationToken);
    }
}
