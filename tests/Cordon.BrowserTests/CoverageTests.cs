using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Ledger;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

public sealed class CoverageTests(BrowserApp browser)
{
    private const string OtherCompound = "国权东路88弄";

    [Fact]
    public async Task ACommanderFollowsCoverageFromTheRoundToTheDoorKnockList()
    {
        // A round of one compound with six people sampled through the API, as samplers would.
        var commander = await browser.App.ApiAsync("commander");
        var compound = await browser.App.DbAsync(db => db.Compounds.Where(c => c.Name == OtherCompound).Select(c => c.Id).SingleAsync());
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "覆盖率浏览器测试", compoundIds = new[] { compound } });
        var round = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await commander.PostAsync($"/api/v1/testing/rounds/{round}/open", null)).EnsureSuccessStatusCode();
        var sampler = await browser.App.ApiAsync("sampler");
        var codes = await browser.App.DbAsync(db => db.Residents
            .Where(r => r.CompoundId == compound && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant))
            .OrderBy(r => r.Id).Select(r => r.SamplingCode).Take(7).ToListAsync());
        var tube = "TC" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        foreach (var code in codes[..6])
        {
            var response = await sampler.PostAsJsonAsync("/api/v1/sampling/records", new { id = Guid.NewGuid(), roundId = round, samplingCode = code, tubeCode = tube, takenAt = DateTime.UtcNow });
            response.EnsureSuccessStatusCode();
        }

        var api = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{round}/coverage");
        var missing = api.GetProperty("missing").GetArrayLength();
        Assert.Equal(6, api.GetProperty("sampled").GetInt32());
        Assert.True(missing > 0);

        // The page shows the same figures in Chinese, on a desktop.
        var page = await browser.PageAsync(1280, 900);
        await LedgerTests.SignInAsync(page, "commander");
        await page.GotoAsync($"/Testing/Rounds/{round}");
        var stats = page.Locator(".cards .stat");
        await Assertions.Expect(stats.Filter(new() { HasText = "已采" })).ToContainTextAsync("6");
        await Assertions.Expect(stats.Filter(new() { HasText = "未采" })).ToContainTextAsync(missing.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await BrowserApp.ScreenshotAsync(page, "30-round-coverage-desktop");

        // A seventh sample arrives while the commander watches: the figures follow without a reload
        // (every 30 s; the test asks for the refresh at once instead of waiting).
        (await sampler.PostAsJsonAsync("/api/v1/sampling/records", new { id = Guid.NewGuid(), roundId = round, samplingCode = codes[6], tubeCode = tube, takenAt = DateTime.UtcNow })).EnsureSuccessStatusCode();
        await page.EvaluateAsync("window.stillTheSamePage = 1");
        await page.EvaluateAsync("htmx.trigger('#live', 'refresh')");
        await Assertions.Expect(stats.Filter(new() { HasText = "已采" })).ToContainTextAsync("7");
        missing--;
        await Assertions.Expect(stats.Filter(new() { HasText = "未采" })).ToContainTextAsync(missing.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, await page.EvaluateAsync<int>("window.stillTheSamePage"));

        // Down to a building's grid, then the printable door-knock list on a phone.
        await page.GetByRole(AriaRole.Link, new() { Name = OtherCompound }).First.ClickAsync();
        await page.Locator("table a[href*='/Buildings/']").First.ClickAsync();
        await Assertions.Expect(page.Locator(".mark-ok, .mark-warn, .mark-bad").First).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "31-building-grid-desktop");

        var phone = await browser.PageAsync();
        await LedgerTests.SignInAsync(phone, "commander");
        await phone.GotoAsync($"/Testing/Rounds/{round}");
        await Assertions.Expect(phone.Locator(".cards .stat").Filter(new() { HasText = "未采" })).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(phone, "33-round-phone");
        await phone.GotoAsync($"/Testing/Rounds/{round}/Missing?all=true");
        await Assertions.Expect(phone.Locator("section.knock .door")).ToHaveCountAsync(missing);

        // A commander sees phones in full, so a knock that gets no answer is one tap from a call.
        await Assertions.Expect(phone.Locator("section.knock .door a[href^='tel:1']").First).ToBeVisibleAsync();

        // "As of" is Shanghai time, like every time on the page.
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var asOf = await phone.Locator(".page-head .muted").InnerTextAsync();
        Assert.Contains(new[] { 0, -1 }.Select(m => TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddMinutes(m), shanghai).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
            asOf.Contains);
        await BrowserApp.ScreenshotAsync(phone, "32-door-knock-list-phone", fullPage: false);
    }
}
