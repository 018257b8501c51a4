using Cordon.Platform.Audit;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Cordon.Platform.Auth;

/// <summary>Records every refused request of a signed-in user in the audit log, then refuses it.</summary>
internal sealed class AuditedAuthorization : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        // A valid cookie or token of an account that was since disabled, locked or re-stamped:
        // the principal loader emptied it, so this is "sign in again", not "forbidden".
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated != true)
        {
            await context.ChallengeAsync();
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var db = context.RequestServices.GetRequiredService<CordonDb>();
            db.Audit(AuditAction.AccessDenied, "Route", null, $"{context.Request.Method} {context.Request.Path}");
            await db.SaveChangesAsync(context.RequestAborted);
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
