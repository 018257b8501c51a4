using Cordon.Platform.Auth;
using Cordon.Platform.Web;

namespace Cordon.Features.Admin;

public static class AdminFeature
{
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddNavItem("nav.users", "/Admin/Users", Permission.ManageUsers, 90);
        builder.Services.AddNavItem("nav.audit", "/Audit", Permission.ViewAudit, 80);
        builder.Services.AddNavItem("nav.robot", "/Admin/Robot", Permission.ManageUsers, 91);
        return builder;
    }
}
