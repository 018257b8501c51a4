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
