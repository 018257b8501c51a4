using Cordon.Features.Demo;
using Cordon.Features.Setup;
using Cordon.Platform;
using Cordon.Platform.Web;

namespace Cordon.Features.Account;

public static class AccountFeature
{
    /// <summary>Sign-in pages and API, the first-start setup, and demo data when asked for.</summary>
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.home", "/", null, 0);
        builder.AddSetup();
        builder.Services.AddScoped<IStartupTask, DemoData>();
        return builder;
    }

    public static WebApplication MapAccounts(this WebApplication app)
    {
        app.MapAuthApi();
        return app;
    }
}
