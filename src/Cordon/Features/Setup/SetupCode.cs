using System.Security.Cryptography;
using System.Text;
using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Setup;

/// <summary>
/// The one-time code that lets the operator who started the server create the first administrator.
/// It lives only in memory and in the server's console; a new one is printed at each start until
/// an account exists.
/// </summary>
public sealed class SetupCode
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private readonly Lock _gate = new();
    private string? _code;
    private string? _claimed;

    public bool IsOpen => _code is not null;

    public string Open()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 8);
        _code = $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
        return _code;
    }

    public bool Matches(string? typed)
    {
        var expected = _code;
        if (expected is null || typed is null)
        {
            return false;
        }

        var normalized = typed.Trim().ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal);
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(normalized), Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>
    /// Takes the code for one request if it matches: four requests sent at once with the right code make one
    /// administrator, not four. <see cref="Reopen"/> gives it back when that request fails.
    /// </summary>
    public bool TryClaim(string? typed)
    {
        lock (_gate)
        {
            if (!Matches(typed))
            {
                return false;
            }

            _claimed = _code;
            _code = null;
            return true;
        }
    }

    public void Reopen()
    {
        lock (_gate)
        {
            _code ??= _claimed;
            _claimed = null;
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _code = null;
            _claimed = null;
        }
    }
}

internal sealed class SetupCodeTask(SetupCode code, IOptions<CordonOptions> options, ILogger<SetupCodeTask> logger) : IStartupTask
{
    public async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (options.Value.Demo || await services.GetRequiredService<CordonDb>().HasAnyUserAsync())
        {
            return;
        }

        var value = code.Open();
        logger.LogWarning(
            "首次启动：请打开 /setup 并输入一次性设置码 {Code} 创建第一个管理员。First start: open /setup and enter the one-time setup code {Code} to create the first administrator.",
            value, value);
    }
}

public static class SetupFeature
{
    public static WebApplicationBuilder AddSetup(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SetupCode>();
        builder.Services.AddScoped<IStartupTask, SetupCodeTask>();
        return builder;
    }
}

internal static class RoleNames
{
    public static readonly string[] FirstAdministrator = [Roles.Admin, Roles.Commander];
}
