using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>Issue 14 on a phone: the person on night duty records a call, calls back and closes it.</summary>
public sealed class HotlineTests(BrowserApp browser)
{
    [Fact]
    public async Task ACallIsRecordedCalledBackAndClosedOnAPhone()
    {
        var page = await browser.PageAsync(360, 780);
        await LedgerTests.SignInAsync(page, "staff");
        await page.GotoAsync("/Hotline");
        await page.GetByLabel("来电号码", new() { Exact = true }).FillAsync("13800001234");
        await page.GetByLabel("小区").SelectOptionAsync(new SelectOptionValue { Label = "国定路400弄" });
        await page.GetByLabel("楼号室号").FillAsync("1-1-101");
        await page.GetByLabel("类别").SelectOptionAsync("medicine");
        await page.GetByText("紧急", new() { Exact = true }).First.ClickAsync();
        await page.GetByLabel("诉求内容").FillAsync("独居老人降压药只剩两天");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "92-hotline-desk-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "登记并生成编号" }).ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("R");
        await Assertions.Expect(page.Locator(".request-text")).ToHaveTextAsync("独居老人降压药只剩两天");
        await page.GetByText("已解决", new() { Exact = true }).First.ClickAsync();
        await page.GetByLabel("回访记录").FillAsync("社区医生已送药");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "93-hotline-request-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "记录回访" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "办结", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".page-head")).ToContainTextAsync("已办结");
        await Assertions.Expect(page.Locator("#history")).ToContainTextAsync("社区医生已送药");
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 360, $"the page is {width} px wide on a 360-px phone");
    }
}
