using System.Net;

namespace Cordon.Platform.Web;

/// <summary>Start-up refused for a reason the operator must fix (printed in both languages).</summary>
public sealed class StartupRefusedException(string message) : Exception(message);

public static class Hosting
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The exit code of a refused start (EX_CONFIG): systemd's <c>RestartPreventExitStatus=78</c> does not retry it.</summary>
    public const int RefusedExitCode = 78;

    /// <summary>
    /// Builds, prepares (migrations, start-up tasks, console commands) and runs the app. A start refused for a reason
    /// the operator must fix prints one line in Chinese and English and exits with <see cref="RefusedExitCode"/>,
    /// never a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, Action<WebApplicationBuilder> add, Action<WebApplication> map)
    {
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = Arguments(args), ContentRootPath = ContentRoot() });
            add(builder);
            var app = builder.Build();
            map(app);
            if (await app.PrepareAsync())
            {
                return 0;
            }

            await app.RunAsync();
            return 0;
        }
        catch (StartupRefusedException e)
        {
            return Refuse(e.Message);
        }
        catch (Exception e) when (StartupErrors.Describe(e) is { } line)
        {
            return Refuse(line);
        }
    }

    private static int Refuse(string line)
    {
        Console.Error.WriteLine("Cordon: " + line);
        return RefusedExitCode;
    }

    /// <summary>
    /// The published folder when started from elsewhere (a service manager, a script), so its <c>wwwroot</c> and
    /// <c>appsettings.json</c> are found; the working directory otherwise (<c>dotnet run</c> in the project).
    /// </summary>
    private static string? ContentRoot() =>
        !Directory.Exists(Path.Combine(Directory.GetCurrentDirectory(), "wwwroot")) && Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot"))
            ? AppContext.BaseDirectory
            : null;

    /// <summary>Switches on the command line; configuration wants values.</summary>
    public static string[] Arguments(string[] args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--demo":
                    result.Add($"--{CordonOptions.Section}:Demo=true");
                    break;
                case "--remove-demo-accounts":
                    result.Add($"--{CordonOptions.Section}:RemoveDemoAccounts=true");
                    break;
                case "--reset-password" when i + 1 < args.Length:
                    result.Add($"--{CordonOptions.Section}:ResetPassword={args[++i]}");
                    break;
                default:
                    result.Add(args[i]);
                    break;
            }
        }

        return [.. result];
    }

    /// <summary>
    /// Binds to <see cref="DefaultUrl"/> unless told otherwise, and refuses to serve demo data (with
    /// its published passwords) on anything but a loopback address.
    /// </summary>
    public static void ConfigureUrls(WebApplicationBuilder builder, bool demo)
    {
        var urls = builder.Configuration["urls"];
        var ports = builder.Configuration["http_ports"] ?? builder.Configuration["https_ports"];
        var kestrelEndpoints = builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).OfType<string>().ToList();
        if (string.IsNullOrWhiteSpace(urls) && string.IsNullOrWhiteSpace(ports) && kestrelEndpoints.Count == 0)
        {
            builder.WebHost.UseUrls(DefaultUrl);
            return;
        }

        if (!demo)
        {
            return;
        }

        var all = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(kestrelEndpoints).ToList();
        var publicOnes = all.Where(u => !IsLoopback(u)).ToList();
        if (!string.IsNullOrWhiteSpace(ports))
        {
            publicOnes.Add("*:" + ports);
        }

        if (publicOnes.Count > 0)
        {
            throw new StartupRefusedException(
                $"演示模式只能监听本机地址（127.0.0.1、localhost）；拒绝：{string.Join(", ", publicOnes)}。" +
                $" Demo mode serves published passwords and listens on loopback only; refused: {string.Join(", ", publicOnes)}.");
        }
    }

    internal static bool IsLoopback(string url)
    {
        var host = url;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        host = host.Split('/')[0];
        if (host.StartsWith('['))
        {
            host = host[1..host.IndexOf(']', StringComparison.Ordinal)];
        }
        else if (host.LastIndexOf(':') is var colon and > 0)
        {
            host = host[..colon];
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
