using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>
/// How long the sampler's screen takes on a cheap phone on a poor network (issue §1: under 2 s). Prints figures,
/// never asserts on them: a shared test machine's timings are not the phone's.
/// </summary>
public sealed class SamplerLoadTests(BrowserApp browser, ITestOutputHelper output)
{
    [Fact]
    public async Task TheSamplerScreenLoadsOnAThrottledPhoneWithAnEmptyCache()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("国权东路88弄");
        await LedgerTests.SignInAsync(page, "sampler");

        // Signing in fetched the shared styles and scripts: forget them, so this is a first visit of the screen.
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.clearBrowserCache");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 150,
            ["downloadThroughput"] = 200_000,
            ["uploadThroughput"] = 200_000,
        });
        await cdp.SendAsync("Emulation.setCPUThrottlingRate", new Dictionary<string, object> { ["rate"] = 4 });

        var clock = Stopwatch.StartNew();
        await page.GotoAsync($"/Testing/Sample?round={round}", new() { WaitUntil = WaitUntilState.Commit });
        await UntilAsync(page, "() => !!(window.Cordon && window.Cordon.sampler && window.Cordon.sampler.ready) && !document.getElementById('scan').disabled");
        var usable = clock.Elapsed;
        await page.WaitForLoadStateAsync(LoadState.Load);
        var load = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].loadEventEnd");
        var ready = await page.EvaluateAsync<double>("() => window.Cordon.sampler.readyAt || 0");
        var bytes = await page.EvaluateAsync<double>(
            "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((s, e) => s + (e.transferSize || 0), 0)");
        var roster = await page.EvaluateAsync<double[]>(
            "() => { var e = performance.getEntriesByType('resource').find(r => r.name.indexOf('/roster') > 0); return e ? [e.startTime, e.responseEnd, e.transferSize] : [0, 0, 0]; }");
        var scripts = await page.EvaluateAsync<string[]>("() => performance.getEntriesByType('resource').filter(e => e.initiatorType === 'script').map(e => new URL(e.name).pathname)");

        output.WriteLine(FormattableString.Invariant(
            $"Sampler screen, CPU x4, 1.6 Mbit/s, 150 ms RTT, empty cache: usable after {usable.TotalMilliseconds:F0} ms (polled), ready in page at {ready:F0} ms, load event at {load:F0} ms; {bytes / 1024:F0} KiB transferred"));
        output.WriteLine(FormattableString.Invariant($"Roster: requested at {roster[0]:F0} ms, received at {roster[1]:F0} ms, {roster[2] / 1024:F0} KiB"));
        output.WriteLine("Scripts: " + string.Join(", ", scripts));
        await BrowserApp.ScreenshotAsync(page, "23-sampler-throttled-phone", fullPage: false);
    }

    [Fact]
    public async Task TheCameraLibraryArrivesOnlyWhenTheCameraIsWanted()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("国权东路88弄");
        await LedgerTests.SignInAsync(page, "sampler");
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                violations.Add(message.Text);
            }
        };
        await page.GotoAsync($"/Testing/Sample?round={round}");
        await UntilAsync(page, "() => !!(window.Cordon && window.Cordon.sampler && window.Cordon.sampler.ready)");
        Assert.False(await page.EvaluateAsync<bool>("() => 'Html5Qrcode' in window"));

        // This browser has no camera: the library loads all the same, and the screen says what happened.
        await page.GetByRole(AriaRole.Button, new() { Name = "用摄像头扫码" }).ClickAsync();
        await UntilAsync(page, "() => 'Html5Qrcode' in window");
        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync("无法打开摄像头");
        Assert.Empty(violations);
    }

    private static async Task UntilAsync(IPage page, string predicate)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await page.EvaluateAsync<bool>(predicate))
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("Timed out waiting for " + predicate);
    }

    private async Task<Guid> OpenRoundAsync(string compound)
    {
        var commander = await browser.App.ApiAsync("commander");
        var compoundId = await browser.App.DbAsync(db => db.Compounds.Where(c => c.Name == compound).Select(c => c.Id).SingleAsync());
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "慢网测试轮次", compoundIds = new[] { compoundId } });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await commander.PostAsync($"/api/v1/testing/rounds/{id}/open", null);
        return id;
    }
}
