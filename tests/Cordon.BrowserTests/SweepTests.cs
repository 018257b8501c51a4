using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>Issue 13 on a phone: a leader plans a sweep round and opens a team's packet.</summary>
public sealed class SweepTests(BrowserApp browser)
{
    [Fact]
    public async Task ALeaderPlansASweepOnAPhoneAndOpensAPacket()
    {
        var page = await browser.PageAsync(360, 780);
        await LedgerTests.SignInAsync(page, "staff");
        await page.GotoAsync("/Sweeps");
        await page.GetByLabel("国定路400弄").CheckAsync();
        await page.GetByLabel("队数").FillAsync("3");
        await page.GetByLabel("标签").FillAsync("上午");
        await TouchTargets.AssertAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "分队并生成扫楼包" }).ClickAsync();

        await Assertions.Expect(page.Locator("section.sweep-team")).ToHaveCountAsync(3);
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "80-sweep-plan-phone");
        await page.Locator("section.sweep-team[data-team='1']").GetByRole(AriaRole.Link, new() { Name = "扫楼包（可打印）" }).ClickAsync();
        await Assertions.Expect(page.Locator(".packet-summary")).ToContainTextAsync("爬楼");
        await Assertions.Expect(page.Locator("section.packet-entrance").First).ToContainTextAsync("从顶楼往下");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "81-sweep-packet-phone");
    }
}
