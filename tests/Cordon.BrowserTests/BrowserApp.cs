using Cordon.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Cordon.BrowserTests.BrowserApp))]

namespace Cordon.BrowserTests;

/// <summary>
/// The demo app on a real Kestrel port and Debian's Chromium driven by Playwright. Without Chromium
/// the tests skip with the reason (and fail under CI=true).
/// </summary>
public sealed class BrowserApp : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    /// <summary>Background imports from 1,000 rows up, so the phone test watches a job's progress bar on a file of seconds.</summary>
    public CordonApp App { get; } = new CordonApp().With("Cordon:Import:BackgroundAboveRows", "1000");

    public string BaseUrl { get; private set; } = "";

    public IPlaywright? Playwright { get; private set; }

    public IBrowser? Browser { get; private set; }

    public static string? ChromiumPath =>
        Environment.GetEnvironmentVariable("CORDON_CHROMIUM") is { Length: > 0 } configured ? configured
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public async ValueTask InitializeAsync()
    {
        if (ChromiumPath is null)
        {
            return;
        }

        App.UseKestrel(0);
        await App.InitializeAsync();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        App.ClientOptions.BaseAddress = new Uri(BaseUrl);
        // Two cores run a database, the app and a browser at once in CI: a loaded machine is slow, not wrong.
        Assertions.SetDefaultExpectTimeout(15_000);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
    }

    /// <summary>A fresh browser context; phone-sized unless told otherwise.</summary>
    public async Task<IPage> PageAsync(int width = 360, int height = 780)
    {
        TestEnvironment.Require(Browser is not null, "Chromium (Debian package 'chromium')");
        var context = await Browser!.NewContextAsync(new() { BaseURL = BaseUrl, ViewportSize = new() { Width = width, Height = height }, Locale = "en-US" });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(90_000);
        return await context.NewPageAsync();
    }

    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(directory, name + ".png"), FullPage = fullPage });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        Playwright?.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>
/// Tests that load the machine for a minute (a 30,000-row import) run after the others, on their own: on two cores
/// they would otherwise starve the pages the other tests time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "alone";
}
