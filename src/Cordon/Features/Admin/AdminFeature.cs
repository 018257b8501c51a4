using Cordon.Platform.Auth;
using Cordon.Platform.Web;

namespace Cordon.Features.Admin;

public static class AdminFeature
{
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.users", "/Admin/Users", Permission.ManageUsers, 90);
        builder.Services.AddNavItem("nav.audit", "/Audit", Permission.ViewAudit, 80);
        return builder;
    }
}
