using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace Cordon.Platform.Web;

/// <summary>
/// The API takes bearer tokens from machines and the session cookie from Cordon's own pages (the
/// offline sampler). A cookie-authenticated write must carry the antiforgery header, or another site
/// could make the browser send it.
/// </summary>
internal sealed class ApiAntiforgery(IAntiforgery antiforgery, Localization.Catalog catalog) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var viaCookie = http.User.Identity?.IsAuthenticated == true
            && !http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && http.Request.Cookies.ContainsKey(PlatformSetup.CookieName);
        var writes = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        // An upload's token must come in the header: looking for it in the form would read the whole file into
        // the system's temporary folder before the endpoint could stream it into the data directory.
        var upload = http.Request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true
            && !http.Request.Headers.ContainsKey("RequestVerificationToken");
        if (viaCookie && writes && (upload || !await antiforgery.IsRequestValidAsync(http)))
        {
            return catalog.Problem(HttpErrors.Antiforgery);
        }

        return await next(context);
    }
}

internal static class IdentitySchemes
{
    public const string Combined = "Cordon";

    public static string Select(HttpContext context) =>
        context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? IdentityConstants.BearerScheme
            : IdentityConstants.ApplicationScheme;
}
