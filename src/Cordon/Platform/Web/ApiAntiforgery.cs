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
        if (viaCookie && writes && !await antiforgery.IsRequestValidAsync(http))
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
