using System.Net;
using System.Net.Http.Json;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Tests.Platform;

public sealed class SignInTests(DemoApp app)
{
    [Fact]
    public async Task ApiLoginReturnsABearerTokenThatOpensTheApi()
    {
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "commander", password = CordonApp.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, System.Text.Json.JsonElement>>();
        Assert.True(body!["expiresIn"].GetInt32() > 0);
        var token = body["accessToken"].GetString();
        Assert.False(string.IsNullOrEmpty(token));

        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var me = await client.GetFromJsonAsync<Dictionary<string, System.Text.Json.JsonElement>>("/api/v1/me");
        Assert.Equal("commander", me!["userName"].GetString());
    }

    [Fact]
    public async Task WrongPasswordAndUnknownUserGetTheSameAnswer()
    {
        var client = app.CreateClient();
        var wrongPassword = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "staff", password = "nope-nope" });
        var unknownUser = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "nobody-here", password = "nope-nope" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        var a = await wrongPassword.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        var b = await unknownUser.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.Equal(a!["code"].ToString(), b!["code"].ToString());
        Assert.Equal(a["detail"].ToString(), b["detail"].ToString());
    }

    [Fact]
    public async Task SixthAttemptAfterFiveWrongPasswordsIsRefusedEvenWithTheRightPassword()
    {
        var user = await CreateUserAsync("lockme-" + Guid.NewGuid().ToString("N")[..6]);
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = user, password = "Wrong#2022" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var right = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = user, password = CordonApp.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);

        var actions = await app.DbAsync(db => db.AuditLog.Where(a => a.UserName == user).OrderBy(a => a.At).Select(a => a.Action).ToListAsync());
        string[] expected =
        [
            AuditAction.SignInFailed, AuditAction.SignInFailed, AuditAction.SignInFailed, AuditAction.SignInFailed,
            AuditAction.LockedOut, AuditAction.SignInFailed,
        ];
        Assert.Equal(expected, actions);
    }

    [Fact]
    public async Task LockoutAppliesToThePageSignInToo()
    {
        var user = await CreateUserAsync("pagelock-" + Guid.NewGuid().ToString("N")[..6]);
        var pages = app.Pages();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await pages.SubmitAsync("/Account/Login", new() { ["UserName"] = user, ["Password"] = "Wrong#2022" });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var right = await pages.SubmitAsync("/Account/Login", new() { ["UserName"] = user, ["Password"] = CordonApp.Password });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("暂时锁定", await right.Content.ReadAsStringAsync());
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.UserName == user && a.Action == AuditAction.LockedOut)));
    }

    [Fact]
    public async Task SuccessfulAndFailedSignInsAreAudited()
    {
        var user = await CreateUserAsync("audited-" + Guid.NewGuid().ToString("N")[..6]);
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = user, password = "Wrong#2022" });
        await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = user, password = CordonApp.Password });

        var actions = await app.DbAsync(db => db.AuditLog.Where(a => a.UserName == user).Select(a => a.Action).ToListAsync());
        Assert.Contains(AuditAction.SignInFailed, actions);
        Assert.Contains(AuditAction.SignIn, actions);
    }

    [Fact]
    public async Task AnonymousApiCallsAre401AndPagesRedirectToSignIn()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var api = await client.GetAsync("/api/v1/ledger/compounds");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        var page = await client.GetAsync("/Ledger");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/Account/Login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledAccountsTokenStopsWorkingAtOnce()
    {
        var user = await CreateUserAsync("disable-" + Guid.NewGuid().ToString("N")[..6]);
        var client = await app.ApiAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        await app.ScopeAsync(async s =>
        {
            var users = s.GetRequiredService<UserManager<CordonUser>>();
            var entity = (await users.FindByNameAsync(user))!;
            entity.IsActive = false;
            await users.UpdateAsync(entity);
            await users.UpdateSecurityStampAsync(entity);
            s.GetRequiredService<AccessCache>().Forget(entity.Id);
            return true;
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    private Task<string> CreateUserAsync(string name) => app.ScopeAsync(async s =>
    {
        var users = s.GetRequiredService<UserManager<CordonUser>>();
        var db = s.GetRequiredService<Cordon.Platform.Data.CordonDb>();
        var subdistrict = await db.Subdistricts.Select(x => x.Id).FirstAsync();
        var user = new CordonUser { UserName = name, DisplayName = name, SubdistrictId = subdistrict };
        var result = await users.CreateAsync(user, CordonApp.Password);
        Assert.True(result.Succeeded, string.Join(";", result.Errors.Select(e => e.Code)));
        await users.AddToRoleAsync(user, Roles.Volunteer);
        return name;
    });
}
