using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features;

/// <summary>One calm page for 404, 403, 429 and unexpected failures; API paths get ProblemDetails instead.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string TitleKey { get; private set; } = "error.page.title";

    public string BodyKey { get; private set; } = "error.page.body";

    public string? RequestId { get; private set; }

    public IActionResult OnGet(int? status) => Show(status);

    public IActionResult OnPost(int? status) => Show(status);

    private IActionResult Show(int? status)
    {
        var code = status ?? StatusCodes.Status500InternalServerError;
        if (HttpContext.Request.Path.StartsWithSegments("/api") || IsApiOriginal())
        {
            return new ObjectResult(new ProblemDetails { Status = code, Title = code == 404 ? "not_found" : "error" }) { StatusCode = code };
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

    private bool IsApiOriginal() =>
        HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>()?.OriginalPath.StartsWith("/api", StringComparison.Ordinal) == true
        || HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerPathFeature>()?.Path.StartsWith("/api", StringComparison.Ordinal) == true;
}
