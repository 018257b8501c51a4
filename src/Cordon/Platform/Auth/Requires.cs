using System.Reflection;
using Cordon.Platform.Audit;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Cordon.Platform.Auth;

/// <summary>
/// The permission one page handler needs beyond the page's own (e.g. <c>OnPostClose</c> on a page anyone with
/// <see cref="Permission.Sample"/> may read). The one way to refuse inside a page: the refusal is audited like
/// every refused route (<see cref="AuditedAuthorization"/>), never a bare <c>Forbid()</c> in a handler.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresAttribute(Permission permission) : Attribute
{
    public Permission Permission { get; } = permission;
}

/// <summary>Runs before every page handler; refuses and audits when the handler's <see cref="RequiresAttribute"/> is not met.</summary>
internal sealed class RequiresFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerMethod?.MethodInfo.GetCustomAttribute<RequiresAttribute>() is { } requires
            && !context.HttpContext.RequestServices.GetRequiredService<Caller>().Can(requires.Permission))
        {
            var db = context.HttpContext.RequestServices.GetRequiredService<CordonDb>();
            db.Audit(AuditAction.AccessDenied, "Route", null, $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path} ({requires.Permission})");
            await db.SaveChangesAsync(context.HttpContext.RequestAborted);
            context.Result = new ForbidResult();
            return;
        }

        await next();
    }
}
