using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cordon.Features.Account;

/// <summary>Sign-in for machines and field devices: user name and password for a bearer token.</summary>
public static class AuthApi
{
    public static readonly Error InvalidCredentials = new("invalid_credentials", StatusCodes.Status401Unauthorized);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapApi("/auth");
        auth.MapPost("/login", Login).AllowAnonymous().RequireRateLimiting(PlatformSetup.SignInRateLimit);
        auth.MapPost("/logout", Logout);
        app.MapApi("").MapGet("/me", Me);
        return app;
    }

    public sealed record LoginRequest(string? UserName, string? Password);

    public sealed record LoginResponse(string AccessToken, int ExpiresIn, string TokenType);

    public sealed record MeResponse(string UserName, Guid SubdistrictId, bool WholeSubdistrict, IReadOnlyList<Guid> NeighborhoodIds, IReadOnlyList<Guid> CompoundIds, IReadOnlyList<string> Permissions);

    /// <summary>A wrong name, a wrong password and a locked account get the same answer.</summary>
    public static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> Login(LoginRequest body, SignInService signIn, Catalog catalog, HttpContext http)
    {
        var (outcome, user) = await signIn.CheckAsync(body.UserName, body.Password);
        if (outcome == SignInOutcome.Throttled)
        {
            http.Response.Headers.RetryAfter = "60";
            return catalog.Problem(HttpErrors.TooManyRequests);
        }

        if (outcome != SignInOutcome.Succeeded || user is null)
        {
            return catalog.Problem(InvalidCredentials);
        }

        var (token, expiresIn) = await signIn.IssueTokenAsync(user);
        return TypedResults.Ok(new LoginResponse(token, expiresIn, "Bearer"));
    }

    /// <summary>Ends the session of the token (or cookie) that calls it: the token stops working at once.</summary>
    public static async Task<NoContent> Logout(SignInService signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    public static Ok<MeResponse> Me(Caller caller) => TypedResults.Ok(new MeResponse(
        caller.UserName, caller.SubdistrictId, caller.WholeSubdistrict, caller.NeighborhoodIds, caller.CompoundIds,
        [.. Enum.GetValues<Permission>().Where(caller.Can).Select(p => p.ToString())]));
}
