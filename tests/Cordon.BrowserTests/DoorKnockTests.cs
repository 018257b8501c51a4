using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>Issue 10 §1 and §2.7: a volunteer on a cheap phone knocks on doors from the list.</summary>
public sealed class DoorKnockTests(BrowserApp browser, ITestOutputHelper output)
{
    private const string BigCompound = "政立路580弄";

    [Fact]
    public async Task AVolunteerOnACheapPhoneOpensTheDoorKnockListAndRecordsADoor()
    {
        var round = await OpenRoundAsync();
        var page = await browser.PageAsync(360, 780);
        await LedgerTests.SignInAsync(page, "volunteer");

        // Cold cache, then the cheap phone: CPU ×4, 1.6 Mbit/s, 150 ms round trips.
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

        var list = await TimedAsync(page, "/Testing/Knock", "door-knock rounds");
        var buildings = Stopwatch.StartNew();
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("敲门测试") }).First.ClickAsync();
        await page.WaitForURLAsync($"**/Testing/Rounds/{round}/Missing");
        await Assertions.Expect(page.Locator(".building-list a").First).ToBeVisibleAsync();
        Report("door-knock list of the compound (buildings)", buildings.Elapsed, await page.EvaluateAsync<int>("() => document.documentElement.outerHTML.length"));

        var stopwatch = Stopwatch.StartNew();
        await page.Locator(".building-list a").Nth(2).ClickAsync();
        await Assertions.Expect(page.Locator(".door").First).ToBeVisibleAsync();
        Report("door-knock list of one building", stopwatch.Elapsed, await page.EvaluateAsync<int>("() => document.documentElement.outerHTML.length"));
        await BrowserApp.ScreenshotAsync(page, "40-door-knock-building-phone");

        // One tap at the first door: the page comes back to that door, showing what was recorded.
        var first = page.Locator(".door").First;
        await first.GetByRole(AriaRole.Button, new() { Name = "无人应门" }).ClickAsync();
        await Assertions.Expect(page.Locator(".door").First.Locator(".tag").Last).ToContainTextAsync("无人应门");
        await BrowserApp.ScreenshotAsync(page, "41-door-knock-recorded-phone", fullPage: false);
        Assert.True(list.TotalMilliseconds > 0);
    }

    private async Task<TimeSpan> TimedAsync(IPage page, string url, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.Load });
        Report(what, stopwatch.Elapsed, await page.EvaluateAsync<int>("() => document.documentElement.outerHTML.length"));
        return stopwatch.Elapsed;
    }

    private void Report(string what, TimeSpan elapsed, int htmlChars)
    {
        var line = $"throttled (CPU ×4, 1.6 Mbit/s, 150 ms): {what}: {elapsed.TotalSeconds:F2} s, {htmlChars:N0} characters of HTML";
        output.WriteLine(line);
        Console.WriteLine(line);
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        File.AppendAllText(Path.Combine(directory, "timings.txt"), $"{DateTime.UtcNow:O} {line}\n");
    }

    private async Task<Guid> OpenRoundAsync()
    {
        var commander = await browser.App.ApiAsync("commander");
        var compound = await browser.App.DbAsync(db => db.Compounds.Where(c => c.Name == BigCompound).Select(c => c.Id).SingleAsync());
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "敲门测试", compoundIds = new[] { compound } });
        var round = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await commander.PostAsync($"/api/v1/testing/rounds/{round}/open", null)).EnsureSuccessStatusCode();
        return round;
    }
}
