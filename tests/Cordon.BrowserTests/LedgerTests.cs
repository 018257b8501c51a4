using Microsoft.Playwright;

namespace Cordon.BrowserTests;

public sealed class LedgerTests(BrowserApp browser)
{
    [Fact]
    public async Task AVolunteerOpensABuildingGridOnAPhoneAndAHouseholdFromIt()
    {
        var page = await browser.PageAsync();
        await SignInAsync(page, "volunteer");

        await page.GetByRole(AriaRole.Link, new() { Name = "人房台账" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "政立路580弄" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "政立路580弄" })).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "10-compound-zh");

        // A 6-floor walk-up with several entrances.
        await page.GetByRole(AriaRole.Link, new() { Name = "3号", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "3号" })).ToBeVisibleAsync();
        var cells = page.Locator("a.cell");
        Assert.True(await cells.CountAsync() >= 24);
        await Assertions.Expect(page.GetByText("6 楼", new() { Exact = true })).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "11-grid-walkup-phone");

        var occupied = page.Locator("a.cell:not(.vacant)").First;
        var label = await occupied.GetAttributeAsync("aria-label");
        var address = label!.Split(" · ")[0];
        await occupied.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = address })).ToBeVisibleAsync();
        var firstResident = page.Locator("table tbody tr td a").First;
        await Assertions.Expect(firstResident).ToBeVisibleAsync();

        // Masked for a volunteer, and no way to reveal.
        await Assertions.Expect(page.Locator("td.mono").First).ToContainTextAsync("*");
        await BrowserApp.ScreenshotAsync(page, "12-household-phone");
        await firstResident.ClickAsync();
        await Assertions.Expect(page.GetByText("个人采样码")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("查看完整")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task TheThirtyThreeFloorTowerStaysReadableOnAPhone()
    {
        var page = await browser.PageAsync();
        await SignInAsync(page, "commander");
        await page.GotoAsync("/Ledger");
        await page.GetByRole(AriaRole.Link, new() { Name = "政立路580弄" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "41号", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("33 楼", new() { Exact = true })).ToBeVisibleAsync();

        // Four flats a floor fit the 360-px screen without sideways scrolling.
        var scroll = page.Locator(".grid-scroll");
        var widths = await scroll.EvaluateAsync<int[]>("e => [e.scrollWidth, e.clientWidth]");
        Assert.True(widths[0] <= widths[1] + 1, $"grid scrolls sideways: {widths[0]} > {widths[1]}");
        await BrowserApp.ScreenshotAsync(page, "13-grid-tower-phone");
    }

    [Fact]
    public async Task StaffRevealAnIdNumberWithAReason()
    {
        var page = await browser.PageAsync(1280, 900);
        await SignInAsync(page, "staff");
        await page.GotoAsync("/Ledger/Search");
        await page.GetByRole(AriaRole.Searchbox).FillAsync("王");
        await page.GetByRole(AriaRole.Button, new() { Name = "搜索", Exact = true }).ClickAsync();
        await page.Locator("#results table tbody tr td a").First.ClickAsync();
        Assert.DoesNotContain("王", page.Url, StringComparison.Ordinal);
        await page.GetByText("查看完整").First.ClickAsync();
        await page.GetByLabel("查看理由").First.FillAsync("核对采样登记");
        await page.GetByRole(AriaRole.Button, new() { Name = "查看", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#reveal-doc .alert")).ToContainTextAsync("已记录");
        var revealed = await page.Locator("#reveal-doc .mono").InnerTextAsync();
        Assert.Matches("^[0-9]{17}[0-9X]$|^[A-Z0-9]{4,32}$", revealed);
        await BrowserApp.ScreenshotAsync(page, "14-resident-revealed-desktop");
    }

    internal static async Task SignInAsync(IPage page, string user)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("用户名").FillAsync(user);
        await page.GetByLabel("密码").FillAsync("Demo#2022");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "退出" })).ToBeVisibleAsync();
    }
}
