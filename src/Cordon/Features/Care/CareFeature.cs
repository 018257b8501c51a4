using Cordon.Platform.Auth;
using Cordon.Platform.Care;
using Cordon.Platform.Clock;
using Cordon.Platform.Web;

namespace Cordon.Features.Care;

/// <summary>重点人群关爱: the needs register and care tasks tracked until the resident confirms (issue 14).</summary>
public static class CareFeature
{
    public static WebApplicationBuilder AddCare(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<CareOptions>(builder.Configuration.GetSection(CareOptions.Section));
        builder.Services.AddNavItem("nav.care", "/Care", Permission.ProvideCare, 29);
        builder.Services.AddScoped<CareDesk>();
        builder.Services.AddScoped<ICareTasks>(s => s.GetRequiredService<CareDesk>());
        builder.Services.AddScoped<CareRegister>();
        builder.Services.AddScoped<IDeadlineSubject, CareTaskSubject>();
        builder.Services.AddSingleton<IClockJob, CareRounds>();
        return builder;
    }

    public static WebApplication MapCare(this WebApplication app)
    {
        app.MapCareApi();
        return app;
    }
}
