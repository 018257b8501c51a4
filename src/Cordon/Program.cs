using Cordon.Features.Account;
using Cordon.Features.Admin;
using Cordon.Features.Care;
using Cordon.Features.Certificates;
using Cordon.Features.Demo;
using Cordon.Features.Hotline;
using Cordon.Features.Ledger;
using Cordon.Features.Lockdowns;
using Cordon.Features.Notifications;
using Cordon.Features.Offline;
using Cordon.Features.Setup;
using Cordon.Features.Staffing;
using Cordon.Features.Sweeps;
using Cordon.Features.Testing;
using Cordon.Platform;
using Cordon.Platform.Web;

return await Hosting.RunAsync(args, builder =>
{
    builder.AddCordonPlatform();
    builder.AddAccounts();
    builder.AddSetup();
    builder.AddDemo();
    builder.AddLedger();
    builder.AddTesting();
    builder.AddLockdowns();
    builder.AddStaffing();
    builder.AddSweeps();
    builder.AddHotline();
    builder.AddCare();
    builder.AddCertificates();
    builder.AddNotifications();
    builder.AddOffline();
    builder.AddAdmin();
}, app =>
{
    app.UseCordonPlatform();
    app.MapAccounts();
    app.MapLedger();
    app.MapTesting();
    app.MapLockdowns();
    app.MapStaffing();
    app.MapSweeps();
    app.MapHotline();
    app.MapCare();
    app.MapCertificates();
});

/// <summary>The entry point, visible to the integration tests' factory.</summary>
public partial class Program;
