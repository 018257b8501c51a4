using System.Net.Http.Json;
using Cordon.Features.Testing;
using System.Text.Json;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

public sealed class SamplingTests(BrowserApp browser)
{
    [Fact]
    public async Task ASamplerRegistersAPoolWithAKeyboardWedgeScannerOnAPhone()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("国权东路88弄");
        var codes = await browser.App.DbAsync(db => db.Residents
            .Where(r => r.Status == Cordon.Platform.People.ResidenceStatus.Resident && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == "国权东路88弄"))
            .OrderBy(r => r.SamplingCode).Select(r => r.SamplingCode).Take(3).ToListAsync());
        await LedgerTests.SignInAsync(page, "sampler");
        await page.GotoAsync($"/Testing/Sample?round={round}");

        var scan = page.GetByLabel("扫码或输入");
        var result = page.Locator("#result");
        await Assertions.Expect(result).ToContainTextAsync("请扫描试管条码");

        // A keyboard-wedge scanner types the code and presses Enter.
        await scan.FillAsync("TB" + Guid.NewGuid().ToString("N")[..8]);
        await scan.PressAsync("Enter");
        await Assertions.Expect(result).ToContainTextAsync("请扫描居民采样码");

        await scan.FillAsync(codes[0]);
        await scan.PressAsync("Enter");
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("ok"));
        await Assertions.Expect(result).ToContainTextAsync("1/10");
        await scan.FillAsync(codes[1]);
        await scan.PressAsync("Enter");
        await Assertions.Expect(result).ToContainTextAsync("2/10");
        await Assertions.Expect(page.Locator("#tube-count")).ToHaveTextAsync("2");
        await BrowserApp.ScreenshotAsync(page, "20-sampler-ok-phone");

        // The device's list reads the sub-district's clock (Asia/Shanghai), not the browser's (UTC here).
        var line = await page.Locator("#recent li").First.InnerTextAsync();
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Contains(new[] { 0, -1 }.Select(m => TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddMinutes(m), shanghai).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
            line.StartsWith);

        // The same person again: a big red reason, nothing stored.
        await scan.FillAsync(codes[0]);
        await scan.PressAsync("Enter");
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("bad"));
        await Assertions.Expect(result).ToContainTextAsync("本轮已采样");
        await BrowserApp.ScreenshotAsync(page, "21-sampler-refused-phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "封管" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync("—");
        Assert.Equal(2, await browser.App.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));
    }

    [Fact]
    public async Task SamplingKeepsWorkingOfflineAndEverySampleArrivesOnce()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("政立路580弄");
        var codes = await browser.App.DbAsync(db => db.Residents
            .Where(r => r.Status == Cordon.Platform.People.ResidenceStatus.Resident && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == "政立路580弄"))
            .OrderBy(r => r.SamplingCode).Select(r => r.SamplingCode).Skip(100).Take(20).ToListAsync());
        await LedgerTests.SignInAsync(page, "sampler");
        await page.GotoAsync($"/Testing/Sample?round={round}");
        await UntilAsync(page, "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null");
        await page.ReloadAsync();
        await UntilAsync(page, "() => !!(window.Cordon && window.Cordon.sampler)");

        await page.Context.SetOfflineAsync(true);
        var scan = page.GetByLabel("扫码或输入");
        var result = page.Locator("#result");
        for (var tube = 0; tube < 2; tube++)
        {
            await scan.FillAsync($"OFF{tube}" + round.ToString("N")[..8].ToUpperInvariant());
            await scan.PressAsync("Enter");
            await Assertions.Expect(result).ToContainTextAsync("请扫描居民采样码");
            for (var i = 0; i < 10; i++)
            {
                await scan.FillAsync(codes[(tube * 10) + i]);
                await scan.PressAsync("Enter");
                await Assertions.Expect(result).ToContainTextAsync($"{i + 1}/10");
                await Assertions.Expect(result).ToContainTextAsync("已保存在本机");
            }

            // A full pool closes the tube on the device too.
            await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync("—");
        }

        await Assertions.Expect(page.Locator("#waiting-count")).ToHaveTextAsync("20");
        await BrowserApp.ScreenshotAsync(page, "22-sampler-offline-phone");

        // The page and its queue survive a reload with no network.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#waiting-count")).ToHaveTextAsync("20");
        await Assertions.Expect(page.Locator("#offline")).ToBeVisibleAsync();
        Assert.Equal(0, await browser.App.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));

        await page.Context.SetOfflineAsync(false);
        await page.EvaluateAsync("window.Cordon.sampler.flush()");
        await Assertions.Expect(page.Locator("#waiting")).ToBeHiddenAsync(new() { Timeout = 15000 });
        Assert.Equal(20, await browser.App.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));
        Assert.Equal(20, await browser.App.DbAsync(db => db.SampleRecords.Where(r => r.RoundId == round).Select(r => r.ResidentId).Distinct().CountAsync()));
        Assert.Equal(0, await page.EvaluateAsync<int>("window.Cordon.sampler.queue().then(q => q.length)"));
        Assert.Equal([10, 10], await browser.App.DbAsync(db => db.Tubes.Where(t => t.RoundId == round).Select(t => t.Count).ToListAsync()));
    }

    // WaitForFunction evaluates a string, which the page's Content-Security-Policy (rightly) forbids.
    private static async Task UntilAsync(IPage page, string predicate)
    {
        for (var i = 0; i < 150; i++)
        {
            if (await page.EvaluateAsync<bool>(predicate))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("Timed out waiting for " + predicate);
    }

    private async Task<Guid> OpenRoundAsync(string compound)
    {
        var commander = await browser.App.ApiAsync("commander");
        var compoundId = await browser.App.DbAsync(db => db.Compounds.Where(c => c.Name == compound).Select(c => c.Id).SingleAsync());
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "浏览器测试轮次", compoundIds = new[] { compoundId } });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await commander.PostAsync($"/api/v1/testing/rounds/{id}/open", null);
        return id;
    }
}
