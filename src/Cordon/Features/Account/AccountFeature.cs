using Cordon.Platform;
using Cordon.Platform.Web;

namespace Cordon.Features.Account;

public static class AccountFeature
{
    /// <summary>Sign-in pages and API.</summary>
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.home", "/", null, 0);
        return builder;
    }

    public static WebApplication MapAccounts(this WebApplication app)
    {
        app.MapAuthApi();
        return app;
    }
}
