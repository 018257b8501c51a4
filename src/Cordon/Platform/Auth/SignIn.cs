using Cordon.Platform.Audit;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Platform.Auth;

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
}

/// <summary>
/// Password checks for pages and API alike: failures count towards the lockout, every attempt is
/// audited, and the answer never says which part was wrong.
/// </summary>
public sealed class SignInService(
    UserManager<CordonUser> users,
    SignInManager<CordonUser> signIn,
    CordonDb db,
    Caller caller,
    TimeProvider clock,
    IOptionsMonitor<BearerTokenOptions> bearer,
    AccessCache access)
{
    public async Task<(SignInOutcome Outcome, CordonUser? User)> CheckAsync(string? userName, string? password)
    {
        var user = string.IsNullOrWhiteSpace(userName) ? null : await users.FindByNameAsync(userName.Trim());
        if (user is null || string.IsNullOrEmpty(password))
        {
            await RecordAsync(AuditAction.SignInFailed, user, userName);
            return (SignInOutcome.Failed, null);
        }

        if (!user.IsActive)
        {
            await RecordAsync(AuditAction.SignInFailed, user, userName, "inactive");
            return (SignInOutcome.Failed, null);
        }

        var wasLocked = await users.IsLockedOutAsync(user);
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await RecordAsync(AuditAction.SignIn, user, userName);
            return (SignInOutcome.Succeeded, user);
        }

        if (result.IsLockedOut)
        {
            // The attempt that crosses the threshold is recorded as the lockout; later ones as refused.
            await RecordAsync(wasLocked ? AuditAction.SignInFailed : AuditAction.LockedOut, user, userName, wasLocked ? "locked" : null);
            access.Forget(user.Id);
            return (SignInOutcome.LockedOut, null);
        }

        await RecordAsync(AuditAction.SignInFailed, user, userName);
        return (SignInOutcome.Failed, null);
    }

    /// <summary>An opaque bearer token (protected by the app's Data Protection keys).</summary>
    public async Task<(string Token, int ExpiresIn)> IssueTokenAsync(CordonUser user)
    {
        var options = bearer.Get(IdentityConstants.BearerScheme);
        var principal = await signIn.CreateUserPrincipalAsync(user);
        var now = clock.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + options.BearerTokenExpiration };
        var ticket = new AuthenticationTicket(principal, properties, IdentityConstants.BearerScheme);
        return (options.BearerTokenProtector.Protect(ticket), (int)options.BearerTokenExpiration.TotalSeconds);
    }

    private async Task RecordAsync(string action, CordonUser? user, string? typedName, string? reason = null)
    {
        db.AuditLog.Add(new AuditEntry
        {
            SubdistrictId = user?.SubdistrictId,
            At = clock.GetUtcNow().UtcDateTime,
            UserId = user?.Id,
            UserName = Truncate(user?.UserName ?? typedName ?? "", 128),
            Action = action,
            EntityType = user is null ? null : "User",
            EntityId = user?.Id,
            Reason = reason,
            IpAddress = caller.IpAddress,
        });
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

public static class SignInQueries
{
    /// <summary>True once any account exists: the setup page then closes for good.</summary>
    public static Task<bool> HasAnyUserAsync(this CordonDb db) => db.Users.IgnoreQueryFilters().AnyAsync();
}
