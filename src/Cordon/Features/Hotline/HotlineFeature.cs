using Cordon.Platform.Auth;
using Cordon.Platform.Web;

namespace Cordon.Features.Hotline;

/// <summary>热线诉求: the 24-hour hotline (issue 14, first part): numbered requests with deadlines, hand-over, callbacks.</summary>
public static class HotlineFeature
{
    public static WebApplicationBuilder AddHotline(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.hotline", "/Hotline", Permission.AnswerHotline, 28);
        builder.Services.AddScoped<HotlineDesk>();
        builder.Services.AddScoped<Platform.Clock.IDeadlineSubject, RequestSubject>();
        builder.Services.AddSingleton<Platform.Care.ICareSignals, HotlineCareSignals>();
        return builder;
    }

    public static WebApplication MapHotline(this WebApplication app)
    {
        app.MapHotlineApi();
        return app;
    }
}
