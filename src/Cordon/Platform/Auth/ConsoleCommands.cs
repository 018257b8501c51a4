using System.Security.Cryptography;
using Cordon.Platform.Audit;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cordon.Platform.Auth;

/// <summary>
/// The way in that needs no password: whoever can run the server's console can give an account (the administrator
/// locked out, or whose password is lost) a new one-time password, printed once, every session of it ended.
/// </summary>
internal static class ConsoleCommands
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    public static async Task<bool> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<IOptions<CordonOptions>>().Value.ResetPassword is not { Length: > 0 } name)
        {
            return false;
        }

        var users = services.GetRequiredService<UserManager<CordonUser>>();
        var user = await users.FindByNameAsync(name)
            ?? throw new StartupRefusedException($"没有用户名为“{name}”的账户。 No account has the user name '{name}'.");
        var password = new string(RandomNumberGenerator.GetItems<char>(Alphabet, 16)) + "#7";
        await users.RemovePasswordAsync(user);
        var set = await users.AddPasswordAsync(user, password);
        if (!set.Succeeded)
        {
            throw new StartupRefusedException("新密码未能设置。 The new password could not be set: " + string.Join("; ", set.Errors.Select(e => e.Code)));
        }

        user.IsActive = true;
        await users.SetLockoutEndDateAsync(user, null);
        var signIn = services.GetRequiredService<SignInService>();
        await signIn.RevokeAllAsync(user);
        var db = services.GetRequiredService<CordonDb>();
        var line = db.Audit(AuditAction.Update, "User", user.Id, "console", new Dictionary<string, string?[]> { ["Password"] = [null, "reset"] });
        line.SubdistrictId = user.SubdistrictId;
        await db.SaveChangesAsync(cancellationToken);
        Console.WriteLine($"“{user.UserName}”的新密码（只显示这一次，请登录后修改）/ New password for '{user.UserName}' (shown once; change it after signing in): {password}");
        return true;
    }
}
