using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Tests.Platform;

/// <summary>Sessions, lockouts and the ways back in (issue 9, Medium and Low).</summary>
public sealed class SessionTests(DemoApp app)
{
    [Fact]
    public async Task SignOutEndsTheSessionForACopiedCookie()
    {
        var user = await CreateUserAsync("cookie-" + Guid.NewGuid().ToString("N")[..6]);
        var pages = app.Pages();
        var signedIn = await pages.SubmitAsync("/Account/Login", new() { ["UserName"] = user, ["Password"] = CordonApp.Password });
        var cookie = string.Join("; ", signedIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Where(c => c.StartsWith(Cordon.Platform.PlatformSetup.CookieName + "=", StringComparison.Ordinal)));
        Assert.NotEmpty(cookie);
        var copy = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        copy.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/")).StatusCode);

        var signedOut = await pages.SubmitAsync("/", new(), "form[action='/Account/Logout']");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        var replayed = await copy.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Contains("/Account/Login", replayed.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOutEndsTheSessionOfABearerTokenAndOnlyThatOne()
    {
        var user = await CreateUserAsync("token-" + Guid.NewGuid().ToString("N")[..6]);
        var first = await app.ApiAsync(user);
        var second = await app.ApiAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsync("/api/v1/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.UserName == user && a.Action == AuditAction.SignOut)));
    }

    [Fact]
    public async Task APasswordChangeARoleChangeOrDisablingEndsEverySession()
    {
        foreach (var change in new[] { "password", "role", "disable" })
        {
            var user = await CreateUserAsync($"{change}-" + Guid.NewGuid().ToString("N")[..6]);
            var token = await app.ApiAsync(user);
            var cookie = await app.PagesAsync(user);
            var id = await app.DbAsync(db => db.Users.Where(u => u.UserName == user).Select(u => u.Id).SingleAsync());
            var admin = await app.PagesAsync("admin");
            var fields = new Dictionary<string, string> { ["DisplayName"] = user, ["SelectedRoles"] = Roles.Volunteer, ["IsActive"] = "true" };
            if (change == "password")
            {
                fields["NewPassword"] = "Another#2023";
            }
            else if (change == "role")
            {
                fields["SelectedRoles"] = Roles.Staff;
            }
            else
            {
                fields["IsActive"] = "false";
            }

            var saved = await admin.SubmitAsync($"/Admin/Users/Edit/{id}", fields);
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await token.GetAsync("/api/v1/me")).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await cookie.Http.GetAsync("/")).StatusCode);
        }
    }

    [Fact]
    public async Task UnknownUserNamesCostAPasswordCheckToo()
    {
        await using var counted = new CordonApp();
        var hasher = new CountingHasher();
        counted.ConfigureTestServices = s => s.AddSingleton<IPasswordHasher<CordonUser>>(hasher);
        await counted.InitializeAsync();
        var client = counted.CreateClient();

        var before = hasher.Verifications;
        await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "nobody-" + Guid.NewGuid().ToString("N")[..6], password = "Whatever#1" });
        Assert.Equal(before + 1, hasher.Verifications);
        await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "staff", password = "Whatever#1" });
        Assert.Equal(before + 2, hasher.Verifications);
    }

    [Fact]
    public async Task NamesTypedAtAFailedSignInAreKeptOnlyAsTheirShape()
    {
        var typed = "MySecretPass" + Guid.NewGuid().ToString("N")[..6];
        await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { userName = typed, password = "x" });
        var names = await app.DbAsync(db => db.AuditLog.Where(a => a.Action == AuditAction.SignInFailed && a.UserId == null).Select(a => a.UserName).ToListAsync());
        Assert.DoesNotContain(typed, names);
        Assert.Contains($"My…({typed.Length})", names);
    }

    [Fact]
    public async Task AKnownNameCannotLockItsOwnerOutFromAnotherAddressAndEachAddressIsLimitedOnItsOwn()
    {
        await using var proxied = new CordonApp().With("Cordon:ForwardedHeaders:KnownProxies:0", "127.0.0.1").With("Cordon:SignIn:PermitPerMinute", "8");
        proxied.UseKestrel(0);
        await proxied.InitializeAsync();
        using var http = new HttpClient { BaseAddress = new Uri(proxied.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        async Task<HttpResponseMessage> SignInAsync(string from, string password)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { userName = "admin", password }) };
            request.Headers.Add("X-Forwarded-For", from);
            return await http.SendAsync(request);
        }

        for (var i = 0; i < SignInService.FailuresBeforeLockout; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync("203.0.113.7", "Wrong#2022")).StatusCode);
        }

        // Locked from the attacker's address, the administrator still signs in from the office.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync("203.0.113.7", CordonApp.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync("198.51.100.20", CordonApp.Password)).StatusCode);
        var locked = await proxied.DbAsync(db => db.AuditLog.Where(a => a.Action == AuditAction.LockedOut && a.UserName == "admin").Select(a => a.IpAddress).ToListAsync());
        Assert.Equal(["203.0.113.7"], locked);

        // The address limit counts each client behind the proxy on its own, and says when to try again.
        for (var i = 0; i < 2; i++)
        {
            await SignInAsync("203.0.113.7", "Wrong#2022");
        }

        var limited = await SignInAsync("203.0.113.7", "Wrong#2022");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync("198.51.100.21", CordonApp.Password)).StatusCode);
    }

    [Fact]
    public async Task OneUserNameIsSlowedDownFromEveryAddressTogether()
    {
        await using var throttled = new CordonApp().With("Cordon:SignIn:PerUserNamePerMinute", "3");
        await throttled.InitializeAsync();
        var client = throttled.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "sampler", password = "Wrong#2022" })).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "staff", password = CordonApp.Password })).StatusCode);
    }

    [Fact]
    public async Task RevealReasonsAreWordsNotDotsOrInvisibleCharacters()
    {
        var staff = await app.ApiAsync("staff");
        var resident = await app.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Cordon.Features.Demo.DemoData.BigCompound))
            .Select(r => r.Id).FirstAsync());
        foreach (var reason in new[] { "..", "\u200b\u200b\u200b\u200b", "ok", "  " })
        {
            var refused = await staff.PostAsJsonAsync($"/api/v1/ledger/residents/{resident}/reveal", new { field = "phone", reason });
            Assert.Equal("reveal_reason_missing", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        var revealed = await staff.PostAsJsonAsync($"/api/v1/ledger/residents/{resident}/reveal", new { field = "phone", reason = "回电核实" });
        Assert.Equal(HttpStatusCode.OK, revealed.StatusCode);
    }

    private Task<string> CreateUserAsync(string name) => app.ScopeAsync(async s =>
    {
        var users = s.GetRequiredService<UserManager<CordonUser>>();
        var db = s.GetRequiredService<Cordon.Platform.Data.CordonDb>();
        var subdistrict = await db.Subdistricts.Where(x => x.Name == "五角场街道（演示）").Select(x => x.Id).SingleAsync();
        var user = new CordonUser { UserName = name, DisplayName = name, SubdistrictId = subdistrict };
        Assert.True((await users.CreateAsync(user, CordonApp.Password)).Succeeded);
        await users.AddToRoleAsync(user, Roles.Volunteer);
        return name;
    });

    private sealed class CountingHasher : IPasswordHasher<CordonUser>
    {
        private readonly PasswordHasher<CordonUser> _inner = new();
        private int _verifications;

        public int Verifications => _verifications;

        public string HashPassword(CordonUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(CordonUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
