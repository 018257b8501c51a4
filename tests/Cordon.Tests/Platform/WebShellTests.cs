using System.Net;
using Cordon.Features.Testing;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;

namespace Cordon.Tests.Platform;

public sealed class WebShellTests(DemoApp app)
{
    [Fact]
    public async Task ChineseIsTheDefaultAndTheEnglishChoiceIsRemembered()
    {
        var pages = app.Pages();
        var login = await pages.PageAsync("/Account/Login");
        Assert.Equal("zh-CN", login.DocumentElement.GetAttribute("lang"));
        Assert.Contains("登录", login.Title, StringComparison.Ordinal);

        var switched = await pages.SubmitAsync("/Account/Login", new() { ["culture"] = "en-US" }, "form[action='/culture']");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        var english = await pages.PageAsync("/Account/Login");
        Assert.Equal("en", english.DocumentElement.GetAttribute("lang"));
        Assert.Contains("Sign in", english.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidationMessagesFollowTheLanguage()
    {
        var pages = app.Pages();
        var chinese = await pages.SubmitAsync("/Account/Login", new() { ["UserName"] = "", ["Password"] = "" });
        Assert.Contains("请填写用户名", await chinese.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await pages.SubmitAsync("/Account/Login", new() { ["culture"] = "en-US" }, "form[action='/culture']");
        var english = await pages.SubmitAsync("/Account/Login", new() { ["UserName"] = "", ["Password"] = "" });
        Assert.Contains("User name is required", await english.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Account/Login", null)]
    [InlineData("/", "commander")]
    [InlineData("/Audit", "commander")]
    [InlineData("/Admin/Users", "admin")]
    public async Task PagesCarryAStrictContentSecurityPolicyAndNoInlineScript(string url, string? user)
    {
        var pages = user is null ? app.Pages() : await app.PagesAsync(user);
        var (response, document) = await pages.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.All(document.Scripts, s => Assert.False(string.IsNullOrEmpty(s.Source), "inline script found"));
        Assert.Empty(document.QuerySelectorAll("[style]"));
        Assert.DoesNotContain(document.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.Ordinal)));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task EveryPostFormCarriesAnAntiforgeryToken()
    {
        var pages = await app.PagesAsync("admin");
        foreach (var url in new[] { "/", "/Admin/Users/Edit", "/Audit" })
        {
            var document = await pages.PageAsync(url);
            foreach (var form in document.Forms.Where(f => f.Method.Equals("post", StringComparison.OrdinalIgnoreCase)))
            {
                Assert.NotNull(form.QuerySelector("input[name=__RequestVerificationToken]"));
            }
        }
    }

    [Fact]
    public async Task APostWithoutTheTokenIsRefused()
    {
        var pages = await app.PagesAsync("admin");
        var response = await pages.Http.PostAsync("/Admin/Users/Edit", new FormUrlEncodedContent([new("UserName", "sneaky"), new("NewPassword", CordonApp.Password)]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task CookieApiWritesNeedTheAntiforgeryHeader()
    {
        var pages = await app.PagesAsync("staff");
        var someone = await app.DbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(
            db.Residents.Where(r => r.NeighborhoodId == db.Neighborhoods.First(n => n.Name == Cordon.Features.Demo.DemoData.StaffNeighborhood).Id).Select(r => r.Id)));
        var response = await pages.Http.PostAsync($"/api/v1/ledger/residents/{someone}/reveal",
            System.Net.Http.Json.JsonContent.Create(new { field = "phone", reason = "csrf attempt" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AnUnreadableApiBodySaysWhereInBothLanguagesAndStoresNothing()
    {
        var sampler = await app.ApiAsync("sampler");
        var id = Guid.NewGuid();
        var json = "{\"id\": \"" + id + "\", \"roundId\": \"" + Guid.NewGuid() + "\",\n \"samplingCode\": \"R123\", \"tubeCode\": \"T1\", \"takenAt\": \"昨天\"}";
        using var body = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var response = await sampler.PostAsync("/api/v1/sampling/records", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        Assert.Equal("body_invalid", problem.GetProperty("code").GetString());
        Assert.Contains("$.takenAt", problem.GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.Contains("请检查 JSON", problem.GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.Contains("line 2", problem.GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.False(await app.DbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.SampleRecords, r => r.Id == id)));
    }

    [Theory]
    [InlineData(null, "/api/v1/ledger/compounds", HttpStatusCode.Unauthorized, "unauthorized")]
    [InlineData("sampler", "/api/v1/ledger/compounds", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("commander", "/api/v1/no-such-thing", HttpStatusCode.NotFound, "not_found")]
    public async Task ApiRefusalsCarryACodeAndTheReasonInBothLanguages(string? user, string url, HttpStatusCode status, string code)
    {
        var client = user is null ? app.CreateClient(new() { AllowAutoRedirect = false }) : await app.ApiAsync(user);
        var response = await client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        var problem = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("zh").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("en").GetString()));
    }

    [Fact]
    public async Task UnknownPagesGetAFriendlyNotFoundInChinese()
    {
        var pages = await app.PagesAsync("commander");
        var (response, document) = await pages.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("找不到", document.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheNavigationShowsOnlyWhatTheRoleMayUse()
    {
        var volunteer = await (await app.PagesAsync("volunteer")).PageAsync("/");
        var links = volunteer.QuerySelectorAll("nav.nav a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("/Ledger", links);
        Assert.DoesNotContain("/Audit", links);
        Assert.DoesNotContain("/Admin/Users", links);

        var admin = await (await app.PagesAsync("admin")).PageAsync("/");
        Assert.Contains("/Admin/Users", admin.QuerySelectorAll("nav.nav a").Select(a => a.GetAttribute("href")));
    }
}
