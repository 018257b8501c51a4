using System.Net;
using System.Text;
using Cordon.Platform.Files;
using Cordon.Tests.Features.Ledger;
using Cordon.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cordon.Tests.Platform;

/// <summary>What reaches the browser and the disk (issue 9, Low): headers, cookies, caching, file modes, uploads.</summary>
public sealed class WebSafetyTests(DemoApp app)
{
    [Fact]
    public async Task OverHttpsAnswersCarryHstsAndTheCookiesAreSecure()
    {
        var client = app.CreateClient(new() { BaseAddress = new Uri("https://cordon.example"), AllowAutoRedirect = false });
        var login = await client.GetAsync("/Account/Login");
        Assert.True(login.Headers.Contains("Strict-Transport-Security"));
        var antiforgery = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cordon.af=", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        var plain = await app.CreateClient().GetAsync("/Account/Login");
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task PersonalDataIsNeverCachedStaticFilesAreAndBothAreCompressed()
    {
        var staff = await app.ApiAsync("staff");
        staff.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br");
        var residents = await staff.GetAsync("/api/v1/ledger/residents?page=1");
        Assert.True(residents.Headers.CacheControl?.NoStore);
        Assert.Equal("br", Assert.Single(residents.Content.Headers.ContentEncoding));

        var pages = await app.PagesAsync("staff");
        var page = await pages.Http.GetAsync("/Ledger");
        Assert.True(page.Headers.CacheControl?.NoStore);

        var css = await staff.GetAsync("/css/site.css?v=1");
        Assert.False(css.Headers.CacheControl?.NoStore ?? false);
        Assert.Equal(TimeSpan.FromDays(365), css.Headers.CacheControl?.MaxAge);
        Assert.Equal("br", Assert.Single(css.Content.Headers.ContentEncoding));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheDataDirectoryIsTheServicesOwnAndSoIsTheDatabase()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(app.Database.DataDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(app.Database.DataDirectory, "keys")));
        var database = Path.Combine(app.Database.DataDirectory, "cordon.db");
        if (app.Database.Provider == "Sqlite")
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database));
        }
    }

    [Fact]
    public async Task AnUnconfirmedPreviewIsDeletedOnCancelAndAfterThirtyMinutes()
    {
        var imports = Path.Combine(app.Database.DataDirectory, "imports");
        var file = Sheets.Csv([Sheets.Header, ImportTests.Row(ImportTests.NewCompound(), "1", "1", "101", "预览甲")], Sheets.Utf8, true);
        var pages = await app.PagesAsync("staff");

        async Task<string> PreviewAsync()
        {
            var form = await pages.PageAsync("/Ledger/Import");
            var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent(file), "Upload", "preview.csv" } };
            var answer = await pages.Http.PostAsync("/Ledger/Import?handler=Preview", content);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var html = await PageClient.ParseAsync(await answer.Content.ReadAsStringAsync());
            return html.QuerySelector("input[name=Token]")!.GetAttribute("value")!;
        }

        var first = await PreviewAsync();
        Assert.Single(Directory.GetFiles(imports, $"*{first}.upload"));
        var form = await pages.PageAsync("/Ledger/Import");
        var cancel = await pages.Http.PostAsync("/Ledger/Import?handler=Cancel", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Token"] = first,
            ["__RequestVerificationToken"] = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        Assert.Equal(HttpStatusCode.Redirect, cancel.StatusCode);
        Assert.Empty(Directory.GetFiles(imports, $"*{first}.upload"));

        var second = await PreviewAsync();
        var path = Directory.GetFiles(imports, $"*{second}.upload").Single();
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - UploadSweeper.MaxAge - TimeSpan.FromMinutes(1));
        app.Services.GetServices<IHostedService>().OfType<UploadSweeper>().Single().Sweep();
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("/\\evil.example/x")]
    [InlineData("//evil.example/x")]
    [InlineData("https://evil.example/")]
    [InlineData("/%5cevil.example")]
    public async Task AReturnAddressOfAnotherSiteGoesHome(string returnUrl)
    {
        var pages = app.Pages();
        var form = await pages.PageAsync("/Account/Login");
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var answer = await pages.Http.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "en-US",
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!.ToString();
        Assert.True(location == "/" || location == returnUrl && returnUrl.StartsWith("/%5c", StringComparison.Ordinal), location);
        Assert.DoesNotContain("//", location, StringComparison.Ordinal);
    }
}
