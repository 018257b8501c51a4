using System.Net;

namespace Cordon.Platform.Web;

/// <summary>Start-up refused for a reason the operator must fix (printed in both languages).</summary>
public sealed class StartupRefusedException(string message) : Exception(message);

public static class Hosting
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary><c>--demo</c> is a switch on the command line; configuration wants a value.</summary>
    public static string[] Arguments(string[] args) =>
        [.. args.Select(a => a == "--demo" ? $"--{CordonOptions.Section}:Demo=true" : a)];

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
