using Cordon.Platform.Localization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cordon.Platform.Web;

/// <summary>
/// An expected failure with a stable code. Its texts live in the catalog under <c>error.{code}</c>,
/// with <c>{0}</c>… placeholders for the arguments.
/// </summary>
public sealed record Error(string Code, int Status = StatusCodes.Status422UnprocessableEntity)
{
    public string MessageKey => "error." + Code;
}

/// <summary>The refusals any endpoint can give, whatever the feature: the API's answer to a bare status code.</summary>
public static class HttpErrors
{
    public static readonly Error BodyInvalid = new("body_invalid", StatusCodes.Status400BadRequest);
    public static readonly Error BadRequest = new("bad_request", StatusCodes.Status400BadRequest);
    public static readonly Error Unauthorized = new("unauthorized", StatusCodes.Status401Unauthorized);
    public static readonly Error Forbidden = new("forbidden", StatusCodes.Status403Forbidden);
    public static readonly Error NotFound = new("not_found", StatusCodes.Status404NotFound);
    public static readonly Error MethodNotAllowed = new("method_not_allowed", StatusCodes.Status405MethodNotAllowed);
    public static readonly Error TooLarge = new("too_large", StatusCodes.Status413PayloadTooLarge);
    public static readonly Error UnsupportedMediaType = new("unsupported_media_type", StatusCodes.Status415UnsupportedMediaType);
    public static readonly Error TooManyRequests = new("too_many_requests", StatusCodes.Status429TooManyRequests);

    /// <summary>The database is overloaded for a moment: repeat after Retry-After (what every offline queue does anyway).</summary>
    public static readonly Error Busy = new("database_busy", StatusCodes.Status503ServiceUnavailable);

    /// <summary>A write with the session cookie but without the page's antiforgery token: another site may have sent it.</summary>
    public static readonly Error Antiforgery = new("antiforgery", StatusCodes.Status400BadRequest);

    /// <summary>The error for a status code; anything unexpected is a server error with the request id.</summary>
    public static Error For(int status) => status switch
    {
        StatusCodes.Status400BadRequest => BadRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => TooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => TooManyRequests,
        StatusCodes.Status503ServiceUnavailable => Busy,
        _ => new Error("server_error", status),
    };
}

public static class ErrorResults
{
    /// <summary>ProblemDetails with <c>code</c>, the message in the caller's language and in both.</summary>
    public static ProblemHttpResult Problem(this Catalog catalog, Error error, params object?[] args) => catalog.ProblemWithDetails(error, null, args);

    /// <summary>The same, with machine-readable details (e.g. when and where a person was already sampled).</summary>
    public static ProblemHttpResult ProblemWithDetails(this Catalog catalog, Error error, object? details, params object?[] args)
    {
        var (zh, en) = catalog.Both(error.MessageKey, args);
        var detail = Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh;
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code, ["zh"] = zh, ["en"] = en };
        if (details is not null)
        {
            extensions["details"] = details;
        }

        return TypedResults.Problem(detail: detail, statusCode: error.Status, title: error.Code, extensions: extensions);
    }

    public static string Message(this Catalog catalog, Error error, params object?[] args)
    {
        var (zh, en) = catalog.Both(error.MessageKey, args);
        return Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh;
    }
}
