using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Cordon.Platform.Auth;

/// <summary>What a signed-in user may do right now, read fresh at most every 30 seconds.</summary>
public sealed record UserAccess(
    string UserId,
    string UserName,
    string DisplayName,
    string? SecurityStamp,
    Guid SubdistrictId,
    IReadOnlyList<string> Roles,
    IReadOnlyList<Guid> NeighborhoodIds,
    IReadOnlyList<Guid> CompoundIds,
    IReadOnlyList<Guid> ParentNeighborhoodIds);

/// <summary>
/// Roles and jurisdiction are read from the database, not frozen into cookies and tokens, so that an
/// administrator's change takes effect within seconds (immediately on this node).
/// </summary>
public sealed class AccessCache(IMemoryCache cache, IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public async Task<UserAccess?> GetAsync(string userId)
    {
        if (cache.TryGetValue(Key(userId), out UserAccess? access))
        {
            return access;
        }

        access = await LoadAsync(userId);
        cache.Set(Key(userId), access, Lifetime);
        return access;
    }

    public void Forget(string userId) => cache.Remove(Key(userId));

    /// <summary>Whether a cookie's or token's session is still signed in (read fresh at most every 30 seconds).</summary>
    public async Task<bool> SessionLiveAsync(Guid sessionId, string userId)
    {
        var key = "session:" + sessionId;
        if (cache.TryGetValue(key, out bool live))
        {
            return live;
        }

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem();
        var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        live = await db.UserSessions.AsNoTracking().AnyAsync(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now);
        cache.Set(key, live, Lifetime);
        return live;
    }

    public void ForgetSession(Guid sessionId) => cache.Remove("session:" + sessionId);

    private async Task<UserAccess?> LoadAsync(string userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem();
        var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.SecurityStamp, u.SubdistrictId, u.IsActive, u.LockoutEnd })
            .SingleOrDefaultAsync();
        if (user is null || !user.IsActive || user.LockoutEnd > clock.GetUtcNow())
        {
            return null;
        }

        var roles = await db.UserRoles.Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!)
            .ToListAsync();
        var scopesOfUser = await db.UserScopes.Where(s => s.UserId == userId).ToListAsync();
        var compoundIds = scopesOfUser.Where(s => s.CompoundId is not null).Select(s => s.CompoundId!.Value).ToList();
        return new UserAccess(
            user.Id, user.UserName!, user.DisplayName, user.SecurityStamp, user.SubdistrictId, roles,
            [.. scopesOfUser.Where(s => s.NeighborhoodId is not null && s.CompoundId is null).Select(s => s.NeighborhoodId!.Value)],
            compoundIds,
            [.. scopesOfUser.Where(s => s.CompoundId is not null && s.NeighborhoodId is not null).Select(s => s.NeighborhoodId!.Value).Distinct()]);
    }

    private static string Key(string userId) => "access:" + userId;
}
