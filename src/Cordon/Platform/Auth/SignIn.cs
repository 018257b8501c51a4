using System.Security.Claims;
using Cordon.Platform.Audit;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Cordon.Platform.Auth;

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,

    /// <summary>Too many attempts for this user name from anywhere in the last minute: answered 429, the password not checked.</summary>
    Throttled,
}

/// <summary>
/// Password checks for pages and API alike. Five wrong passwords lock the account for fifteen minutes from that
/// address only, so an attacker who knows a user name cannot lock the administrator out; a user name tried too
/// often from anywhere is slowed down instead. Every attempt is audited; the answer never says which part was
/// wrong, and takes as long for an unknown name as for a known one.
/// </summary>
public sealed class SignInService(
    UserManager<CordonUser> users,
    SignInManager<CordonUser> signIn,
    CordonDb db,
    Caller caller,
    TimeProvider clock,
    IOptionsMonitor<BearerTokenOptions> bearer,
    IOptions<CordonOptions> options,
    IMemoryCache cache,
    AccessCache access)
{
    public const int FailuresBeforeLockout = 5;
    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(15);

    // A hash to check passwords of unknown names against, so both cost the same (no user-name oracle by timing).
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<CordonUser>().HashPassword(new CordonUser(), Guid.NewGuid().ToString()));

    private void CheckAgainstDummy(CordonUser? user, string? password) =>
        users.PasswordHasher.VerifyHashedPassword(user ?? new CordonUser(), DummyHash.Value, password ?? "");

    public async Task<(SignInOutcome Outcome, CordonUser? User)> CheckAsync(string? userName, string? password)
    {
        var typed = (userName ?? "").Trim();
        var address = caller.IpAddress ?? "unknown";
        if (typed.Length > 256 || (password?.Length ?? 0) > 512)
        {
            return (SignInOutcome.Failed, null);
        }

        var normalized = typed.ToUpperInvariant();
        if (!Count("name:" + normalized, TimeSpan.FromMinutes(1), options.Value.SignIn.PerUserNamePerMinute))
        {
            await RecordAsync(AuditAction.SignInFailed, null, typed, "throttled");
            return (SignInOutcome.Throttled, null);
        }

        var user = typed.Length == 0 ? null : await users.FindByNameAsync(typed);
        if (user is null || string.IsNullOrEmpty(password))
        {
            CheckAgainstDummy(null, password);
            await RecordAsync(AuditAction.SignInFailed, user, typed);
            return (SignInOutcome.Failed, null);
        }

        var generation = cache.TryGetValue("unlocked:" + user.Id, out int g) ? g : 0;
        var lockKey = $"lock:{user.Id}:{generation}:{address}";
        var failKey = $"fail:{user.Id}:{generation}:{address}";
        if (cache.TryGetValue(lockKey, out _))
        {
            CheckAgainstDummy(user, password);
            await RecordAsync(AuditAction.SignInFailed, user, typed, "locked");
            return (SignInOutcome.LockedOut, null);
        }

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        if (result.Succeeded && user.IsActive)
        {
            cache.Remove(failKey);
            await RecordAsync(AuditAction.SignIn, user, typed);
            return (SignInOutcome.Succeeded, user);
        }

        if (!Count(failKey, LockoutTime, FailuresBeforeLockout - 1))
        {
            cache.Set(lockKey, true, LockoutTime);
            cache.Remove(failKey);
            await RecordAsync(AuditAction.LockedOut, user, typed, address);
            return (SignInOutcome.LockedOut, null);
        }

        await RecordAsync(AuditAction.SignInFailed, user, typed, user.IsActive ? null : "inactive");
        return (SignInOutcome.Failed, null);
    }

    /// <summary>Signs the user in on this browser: a new session, carried in the cookie.</summary>
    public async Task SignInPageAsync(CordonUser user)
    {
        var session = await StartSessionAsync(user, "cookie", TimeSpan.FromHours(12));
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim(CordonClaims.Session, session.ToString())]);
    }

    /// <summary>An opaque bearer token (protected by the app's Data Protection keys) for a new session.</summary>
    public async Task<(string Token, int ExpiresIn)> IssueTokenAsync(CordonUser user)
    {
        var tokenOptions = bearer.Get(IdentityConstants.BearerScheme);
        var session = await StartSessionAsync(user, "token", tokenOptions.BearerTokenExpiration);
        var principal = await signIn.CreateUserPrincipalAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(CordonClaims.Session, session.ToString()));
        var now = clock.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + tokenOptions.BearerTokenExpiration };
        var ticket = new AuthenticationTicket(principal, properties, IdentityConstants.BearerScheme);
        return (tokenOptions.BearerTokenProtector.Protect(ticket), (int)tokenOptions.BearerTokenExpiration.TotalSeconds);
    }

    /// <summary>Ends the caller's session: its cookie or token stops working at once, even if copied.</summary>
    public async Task SignOutAsync()
    {
        if (caller.SessionId is { } id)
        {
            await db.UserSessions.Where(s => s.Id == id && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, clock.GetUtcNow().UtcDateTime));
            access.ForgetSession(id);
        }

        db.Audit(AuditAction.SignOut, "User", caller.UserId);
        await db.SaveChangesAsync();
    }

    /// <summary>Lifts every address's lockout of a user (an administrator's "unlock", or the console).</summary>
    public void Unlock(CordonUser user) => cache.Set("unlocked:" + user.Id, (cache.TryGetValue("unlocked:" + user.Id, out int g) ? g : 0) + 1);

    /// <summary>Ends every session of a user (password changed, account disabled, roles or jurisdiction changed).</summary>
    public async Task RevokeAllAsync(CordonUser user)
    {
        var live = await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null).Select(s => s.Id).ToListAsync();
        await db.UserSessions.Where(s => s.UserId == user.Id && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, clock.GetUtcNow().UtcDateTime));
        live.ForEach(access.ForgetSession);
        await users.UpdateSecurityStampAsync(user);
        access.Forget(user.Id);
    }

    private async Task<Guid> StartSessionAsync(CordonUser user, string kind, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var session = new UserSession { SubdistrictId = user.SubdistrictId, UserId = user.Id, Kind = kind, CreatedAt = now, ExpiresAt = now + lifetime };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    /// <summary>Counts one more event in a sliding window; false when it is more than <paramref name="limit"/>.</summary>
    private bool Count(string key, TimeSpan window, int limit)
    {
        var count = cache.TryGetValue(key, out int seen) ? seen + 1 : 1;
        cache.Set(key, count, window);
        return count <= limit;
    }

    private async Task RecordAsync(string action, CordonUser? user, string typedName, string? reason = null)
    {
        db.AuditLog.Add(new AuditEntry
        {
            SubdistrictId = user?.SubdistrictId,
            At = clock.GetUtcNow().UtcDateTime,
            UserId = user?.Id,
            // A name that matches no account may be a password typed into the wrong box: keep only its shape.
            UserName = user?.UserName ?? Shape(typedName),
            Action = action,
            EntityType = user is null ? null : "User",
            EntityId = user?.Id,
            Reason = reason,
            IpAddress = caller.IpAddress,
        });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    private static string Shape(string typed) => typed.Length == 0 ? "" : $"{typed[..Math.Min(2, typed.Length)]}…({typed.Length})";
}

public static class SignInQueries
{
    /// <summary>True once any account exists: the setup page then closes for good.</summary>
    public static Task<bool> HasAnyUserAsync(this CordonDb db) => db.Users.IgnoreQueryFilters().AnyAsync();
}
