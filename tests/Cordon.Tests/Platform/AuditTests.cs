using System.Net;
using Cordon.Platform.Audit;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Platform;

public sealed class AuditTests(DemoApp app)
{
    [Fact]
    public async Task TheAuditLogRefusesUpdatesAndDeletesInTheDatabaseItself()
    {
        var id = await app.DbAsync(db => db.AuditLog.Select(a => a.Id).FirstAsync());
        await Assert.ThrowsAnyAsync<Exception>(() => app.DbAsync(db =>
            db.Database.ExecuteSqlRawAsync("UPDATE \"AuditLog\" SET \"UserName\" = 'someone else' WHERE \"Id\" = {0}", id)));
        await Assert.ThrowsAnyAsync<Exception>(() => app.DbAsync(db =>
            db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditLog\" WHERE \"Id\" = {0}", id)));
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.Id == id)));
    }

    [Fact]
    public async Task TheAppRefusesToChangeAnAuditLine()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.DbAsync(async db =>
        {
            var line = await db.AuditLog.FirstAsync();
            line.Reason = "rewritten";
            await db.SaveChangesAsync();
        }));
    }

    [Fact]
    public async Task AdministratorCreatesAUserAndTheChangeIsAuditedWithItsValues()
    {
        var admin = await app.PagesAsync("admin");
        var name = "vol-" + Guid.NewGuid().ToString("N")[..6];
        var compound = await app.DbAsync(db => db.Compounds.Where(c => c.Name == Cordon.Features.Demo.DemoData.BigCompound).Select(c => c.Id).SingleAsync());
        var response = await admin.SubmitAsync("/Admin/Users/Edit", new()
        {
            ["UserName"] = name,
            ["DisplayName"] = "新志愿者",
            ["SelectedRoles"] = "Volunteer",
            ["Limited"] = "true",
            ["SelectedScopes"] = "c:" + compound,
            ["IsActive"] = "true",
            ["NewPassword"] = CordonApp.Password,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var entry = await app.DbAsync(db => db.AuditLog.SingleAsync(a => a.Action == AuditAction.Create && a.EntityType == "User" && a.Changes!.Contains(name)));
        Assert.Equal("admin", entry.UserName);
        var changes = AuditChanges.Parse(entry.Changes);
        Assert.Contains(changes, c => c.Field == "Roles" && c.After == "Volunteer");
        Assert.Contains(changes, c => c.Field == "Jurisdiction" && c.After == Cordon.Features.Demo.DemoData.BigCompound);

        // The new account works at once and sees only its compound.
        var api = await app.ApiAsync(name);
        var compounds = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<System.Text.Json.JsonElement>>(api, "/api/v1/ledger/compounds");
        Assert.Single(compounds!);

        // The user's page shows its history.
        var (_, page) = await admin.GetAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("新建", page.QuerySelector(".history")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommandersBrowseAndFilterTheAuditLog()
    {
        var commander = await app.PagesAsync("commander");
        var document = await commander.PageAsync("/Audit?Action=sign-in");
        var rows = document.QuerySelectorAll("#audit-entries tbody tr");
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Contains("登录", r.TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task VolunteersCannotOpenTheAuditLog()
    {
        var volunteer = await app.PagesAsync("volunteer");
        var (response, _) = await volunteer.GetAsync("/Audit");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
