using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>Issue 11 on a phone: the commander orders a lockdown at 3 a.m., watches its clocks, and runs it.</summary>
public sealed class LockdownTests(BrowserApp browser)
{
    [Fact]
    public async Task ACommanderOrdersALockdownOnAPhoneAndRunsItFromItsPage()
    {
        var page = await browser.PageAsync(360, 780);
        await LedgerTests.SignInAsync(page, "commander");
        await page.GotoAsync("/Lockdowns");
        await page.GetByRole(AriaRole.Link, new() { Name = "新封控" }).ClickAsync();

        var name = "中原小区 2号 " + Guid.NewGuid().ToString("N")[..4];
        await page.GetByLabel("封控名称").FillAsync(name);
        await page.GetByLabel("下令人").FillAsync("区指挥部");
        await page.Locator("summary", new() { HasText = "中原小区" }).ClickAsync();
        await page.GetByLabel("中原小区 2号", new() { Exact = true }).CheckAsync();
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "60-lockdown-order-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "下达封控" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".page-head")).ToContainTextAsync("已下令");

        await page.GetByRole(AriaRole.Link, new() { Name = "封控", Exact = true }).First.ClickAsync();
        var card = page.Locator("article.lockdown", new() { HasText = name });
        await Assertions.Expect(card.Locator(".clock")).ToHaveCountAsync(4);
        await Assertions.Expect(card.Locator(".clock[data-key=arrive] .clock-time")).ToContainTextAsync("剩 ");
        await Assertions.Expect(card).ToContainTextAsync("0/6");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "61-lockdown-board-phone");

        // Someone else ticks an item; the board picks it up on its next refresh without a reload.
        var id = await browser.App.DbAsync(db => db.Set<Cordon.Features.Lockdowns.Lockdown>().Where(l => l.Name == name).Select(l => l.Id).SingleAsync());
        var api = await browser.App.ApiAsync("commander");
        (await api.PostAsJsonAsync($"/api/v1/lockdowns/{id}/checklist/tent", new { done = true })).EnsureSuccessStatusCode();
        await page.EvaluateAsync("() => htmx.trigger('#board', 'refresh')");
        await Assertions.Expect(page.Locator("article.lockdown", new() { HasText = name })).ToContainTextAsync("1/6");

        await page.Locator("article.lockdown", new() { HasText = name }).GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "到场签到" }).ClickAsync();
        await Assertions.Expect(page.Locator(".page-head")).ToContainTextAsync("封控中");
        await Assertions.Expect(page.Locator(".clock-done[data-key=arrive]")).ToContainTextAsync("✓");

        await page.GetByRole(AriaRole.Button, new() { Name = "完成：联系物业" }).ClickAsync();
        await Assertions.Expect(page.Locator("#checklist")).ToContainTextAsync("2/6");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "撤销：联系物业" })).ToBeVisibleAsync();
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "62-lockdown-details-phone");
    }
}
