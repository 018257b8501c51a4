using Cordon.Platform.Auth;
using Cordon.Platform.Web;

namespace Cordon.Features.Sweeps;

/// <summary>扫楼排摸: sweep rounds split into stair-balanced team packets (issue 13; visits and findings come next).</summary>
public static class SweepsFeature
{
    public static WebApplicationBuilder AddSweeps(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.sweeps", "/Sweeps", Permission.VisitDoors, 27);
        builder.Services.AddScoped<SweepDesk>();
        builder.Services.AddScoped<SweepRounds>();
        builder.Services.AddScoped<VisitDesk>();
        builder.Services.AddScoped<Platform.Offline.IConflictResolver, SweepConflicts>();
        builder.Services.AddSingleton<Platform.Sites.ISiteSection>(new SweepsSection());
        builder.Services.AddSingleton<Platform.Care.ICareSignals, SweepCareSignals>();
        return builder;
    }

    public static WebApplication MapSweeps(this WebApplication app)
    {
        app.MapSweepsApi();
        return app;
    }
}
