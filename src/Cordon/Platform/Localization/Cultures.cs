using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Cordon.Platform.Localization;

public static class Cultures
{
    public const string Chinese = "zh-CN";
    public const string English = "en-US";

    public static readonly CultureInfo[] Supported = [new(Chinese), new(English)];

    public static void Configure(RequestLocalizationOptions options)
    {
        options.DefaultRequestCulture = new RequestCulture(Chinese);
        options.SupportedCultures = Supported;
        options.SupportedUICultures = Supported;

        // Chinese first: a browser's language does not switch the pages; the remembered choice does.
        // Machines calling the API may ask for English with Accept-Language.
        options.RequestCultureProviders =
        [
            new QueryStringRequestCultureProvider(),
            new CookieRequestCultureProvider(),
            new ApiAcceptLanguageProvider(),
        ];
    }

    private sealed class ApiAcceptLanguageProvider : AcceptLanguageHeaderRequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
            httpContext.Request.Path.StartsWithSegments("/api")
                ? base.DetermineProviderCultureResult(httpContext)
                : Task.FromResult<ProviderCultureResult?>(null);
    }
}
