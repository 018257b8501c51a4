using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>封控: orders with a response clock, the checklist, computed unlock and disinfection (issue 11).</summary>
public static class LockdownsFeature
{
    public static WebApplicationBuilder AddLockdowns(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.lockdowns", "/Lockdowns", Permission.ViewResidents, 20);
        builder.Services.AddNavItem("lockdowns.plan", "/Lockdowns/Plan", Permission.EditResponsePlan, 21);
        builder.Services.AddScoped<LockdownDesk>();
        builder.Services.AddScoped<Platform.Sites.ISites, LockdownSites>();
        builder.Services.AddSingleton<IDeadlineSubject, LockdownSubject>();
        builder.Services.AddSingleton<IClockJob, LockdownRefresh>();
        builder.Services.AddScoped<IBuildingTags, SealedBuildingTags>();
        builder.Services.AddSingleton<IResidentSection>(new LockdownsSection());
        return builder;
    }

    public static WebApplication MapLockdowns(this WebApplication app)
    {
        app.MapLockdownsApi();
        return app;
    }
}
