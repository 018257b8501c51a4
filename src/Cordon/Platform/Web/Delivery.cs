using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.ResponseCompression;

namespace Cordon.Platform.Web;

/// <summary>
/// How responses reach a cheap phone on a slow network and a server behind a proxy: compressed (Brotli, gzip),
/// static files cached (a versioned file for a year), the client's own address and scheme taken from the
/// forwarded headers of configured proxies only, HSTS over HTTPS.
/// </summary>
public static class Delivery
{
    public static void AddDelivery(IServiceCollection services, CordonOptions options)
    {
        services.AddResponseCompression(o =>
        {
            // Pages carry an antiforgery token that is fresh for every response, so a compressed page gives a
            // BREACH attacker no stable secret to guess at.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["image/svg+xml", "application/manifest+json", "application/problem+json"]);
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        // Parsed now, so a mistyped proxy address stops the start with one clear line instead of failing the first request.
        var proxies = options.ForwardedHeaders.KnownProxies.Select(proxy => IPAddress.TryParse(proxy, out var ip)
            ? ip
            : throw new StartupRefusedException($"Cordon:ForwardedHeaders:KnownProxies 中的“{proxy}”不是 IP 地址。 '{proxy}' in Cordon:ForwardedHeaders:KnownProxies is not an IP address.")).ToList();
        var networks = options.ForwardedHeaders.KnownNetworks.Select(network => System.Net.IPNetwork.TryParse(network, out var parsed)
            ? parsed
            : throw new StartupRefusedException($"Cordon:ForwardedHeaders:KnownNetworks 中的“{network}”不是网段（如 10.0.0.0/8）。 '{network}' in Cordon:ForwardedHeaders:KnownNetworks is not a network such as 10.0.0.0/8.")).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
    }

    /// <summary>First in the pipeline: the forwarded client address must be known before anything limits or audits by it.</summary>
    public static void UseForwarded(WebApplication app, CordonOptions options)
    {
        if (options.ForwardedHeaders.KnownProxies.Count + options.ForwardedHeaders.KnownNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseResponseCompression();
    }

    public static void UseStaticFilesCached(WebApplication app) => app.UseStaticFiles(new StaticFileOptions
    {
        OnPrepareResponse = context =>
        {
            var headers = context.Context.Response.Headers;
            var path = context.Context.Request.Path.Value ?? "";
            headers.CacheControl = path is "/sw.js" or "/manifest.webmanifest" ? "no-cache"
                : context.Context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable"
                : path.StartsWith("/lib/", StringComparison.Ordinal) ? "public, max-age=604800"
                : "public, max-age=3600";
        },
    });
}
