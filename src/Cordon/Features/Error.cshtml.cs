using System.Diagnostics;
using System.Text.Json;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features;

/// <summary>One calm page for 404, 403, 429 and unexpected failures; API paths get ProblemDetails instead.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel(Catalog catalog) : PageModel
{
    public string TitleKey { get; private set; } = "error.page.title";

    public string BodyKey { get; private set; } = "error.page.body";

    public string? RequestId { get; private set; }

    public Task<IActionResult> OnGetAsync(int? status) => ShowAsync(status);

    public Task<IActionResult> OnPostAsync(int? status) => ShowAsync(status);

    private async Task<IActionResult> ShowAsync(int? status)
    {
        var exception = HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
        var code = exception is BadHttpRequestException bad ? bad.StatusCode
            : DbErrors.IsOverloaded(exception) ? StatusCodes.Status503ServiceUnavailable
            : status ?? StatusCodes.Status500InternalServerError;
        if (code == StatusCodes.Status503ServiceUnavailable)
        {
            Response.Headers.RetryAfter = "2";
        }

        if (HttpContext.Request.Path.StartsWithSegments("/api") || IsApiOriginal())
        {
            // A machine gets what a person gets: a stable code and the reason in both languages.
            var (error, args) = ApiError(code, exception);
            await catalog.Problem(error, args).ExecuteAsync(HttpContext);
            return new EmptyResult();
        }

        (TitleKey, BodyKey) = code switch
        {
            StatusCodes.Status404NotFound => ("error.page.not-found", "error.page.not-found-body"),
            StatusCodes.Status403Forbidden => ("account.denied.title", "account.denied.body"),
            StatusCodes.Status429TooManyRequests => ("error.page.too-many", "error.page.too-many-body"),
            StatusCodes.Status400BadRequest => ("error.page.bad-request", "error.page.bad-request-body"),
            _ => ("error.page.title", "error.page.body"),
        };
        if (code >= 500)
        {
            RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        }

        Response.StatusCode = code;
        return Page();
    }

    private (Error Error, object?[] Args) ApiError(int status, Exception? exception)
    {
        if (exception?.InnerException is JsonException json)
        {
            return (HttpErrors.BodyInvalid, [json.Path ?? "$", (json.LineNumber ?? 0) + 1, (json.BytePositionInLine ?? 0) + 1]);
        }

        // Only the server error's message names the request id; the others have no placeholder for it.
        return (HttpErrors.For(status), [Activity.Current?.Id ?? HttpContext.TraceIdentifier]);
    }

    private bool IsApiOriginal() =>
        HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>()?.OriginalPath.StartsWith("/api", StringComparison.Ordinal) == true
        || HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>()?.Path.StartsWith("/api", StringComparison.Ordinal) == true;
}
