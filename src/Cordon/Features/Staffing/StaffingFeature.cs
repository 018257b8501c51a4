using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Web;

namespace Cordon.Features.Staffing;

/// <summary>人员调度: the roster, call-ups in rings with one-tap answers, arrival on site, duty and fatigue (issue 12).</summary>
public static class StaffingFeature
{
    public static WebApplicationBuilder AddStaffing(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.staff", "/Staff", Permission.ManageStaff, 25);
        builder.Services.AddNavItem("nav.callups", "/CallUps", Permission.ManageStaff, 26);
        builder.Services.Configure<StaffingOptions>(builder.Configuration.GetSection(StaffingOptions.Section));
        builder.Services.AddScoped<CallUpDesk>();
        builder.Services.AddSingleton<IClockJob, CallUpEscalation>();
        builder.Services.AddSingleton<Platform.Sites.ISiteSection>(new CallUpsSection());
        builder.Services.AddScoped<Platform.Sites.ISiteFacts, CallUpFacts>();
        builder.Services.AddScoped<Platform.Sites.ISiteCrew, SiteCrew>();
        builder.Services.AddScoped<StaffImport>();
        builder.Services.AddScoped<IStartupTask, DemoStaff>();
        return builder;
    }

    public static WebApplication MapStaffing(this WebApplication app)
    {
        app.MapRosterApi();
        app.MapCallUpsApi();
        return app;
    }
}
