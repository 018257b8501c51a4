using Cordon.Platform.Data;
using Cordon.Platform.Offline;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Cordon.Features.Offline;

/// <summary>
/// The inbox of writes refused at sync, for every feature that works offline (docs/decisions/010). The features
/// describe and retry their own conflicts through <see cref="IConflictResolver"/>; this page knows none of them.
/// </summary>
public static class OfflineFeature
{
    public const string Path = "/Conflicts";

    public static WebApplicationBuilder AddOffline(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Pseudonyms>();
        builder.Services.AddScoped<ConflictInbox>();
        builder.Services.AddScoped<INavBadge, ConflictBadge>();
        builder.Services.AddNavItem("nav.conflicts", Path, Platform.Auth.Permission.ManageTesting, 35);
        return builder;
    }

    /// <summary>The open conflicts the caller can handle, newest first (bounded: the inbox is bounded per device).</summary>
    public static async Task<List<(SyncConflict Conflict, ConflictView View)>> OpenAsync(
        CordonDb db, IEnumerable<IConflictResolver> resolvers, int take, CancellationToken cancellationToken, Guid? scope = null)
    {
        var open = await db.Set<SyncConflict>().AsNoTracking().Where(c => c.Status == ConflictStatus.Open && (scope == null || c.ScopeId == scope))
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(take).ToListAsync(cancellationToken);
        return await DescribeAsync(open, resolvers, cancellationToken);
    }

    public static async Task<List<(SyncConflict Conflict, ConflictView View)>> DescribeAsync(List<SyncConflict> conflicts, IEnumerable<IConflictResolver> resolvers, CancellationToken cancellationToken)
    {
        var described = new List<(SyncConflict, ConflictView)>();
        foreach (var resolver in resolvers)
        {
            var mine = conflicts.Where(c => c.Feature == resolver.Feature).ToList();
            var views = await resolver.DescribeAsync(mine, cancellationToken);
            described.AddRange(mine.Where(c => views.ContainsKey(c.Id)).Select(c => (c, views[c.Id])));
        }

        return [.. described.OrderByDescending(d => d.Item1.CreatedAt).ThenByDescending(d => d.Item1.Id)];
    }

    /// <summary>The count beside the menu entry, read at most every 30 seconds per user.</summary>
    private sealed class ConflictBadge(CordonDb db, IEnumerable<IConflictResolver> resolvers, Platform.Auth.Caller caller, IMemoryCache cache) : INavBadge
    {
        public string Path => OfflineFeature.Path;

        public async Task<int> CountAsync(CancellationToken cancellationToken) =>
            await cache.GetOrCreateAsync("conflicts:" + caller.UserId, async entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30);
                return (await OpenAsync(db, resolvers, 1000, cancellationToken)).Count;
            });
    }
}
