using Cordon.Features.Account;
using Cordon.Features.Admin;
using Cordon.Features.Demo;
using Cordon.Features.Ledger;
using Cordon.Features.Offline;
using Cordon.Features.Setup;
using Cordon.Features.Testing;
using Cordon.Platform;
using Cordon.Platform.Web;

var builder = WebApplication.CreateBuilder(Hosting.Arguments(args));

builder.AddCordonPlatform();
builder.AddAccounts();
builder.AddSetup();
builder.AddDemo();
builder.AddLedger();
builder.AddTesting();
builder.AddOffline();
builder.AddAdmin();

var app = builder.Build();

app.UseCordonPlatform();
app.MapAccounts();
app.MapLedger();
app.MapTesting();

await app.PrepareAsync();
await app.RunAsync();

/// <summary>The entry point, visible to the integration tests' factory.</summary>
public partial class Program;
