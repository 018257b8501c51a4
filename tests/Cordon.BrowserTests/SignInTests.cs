using Microsoft.Playwright;

namespace Cordon.BrowserTests;

public sealed class SignInTests(BrowserApp browser)
{
    [Fact]
    public async Task StaffSignsInOnTheChinesePageSwitchesToEnglishAndSignsOut()
    {
        var page = await browser.PageAsync();
        await page.GotoAsync("/");

        // Chinese first, whatever the browser's own language.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        await page.GetByLabel("用户名").FillAsync("staff");
        await page.GetByLabel("密码").FillAsync("Demo#2022");
        await BrowserApp.ScreenshotAsync(page, "01-login-zh");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "人房台账" }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("五角场街道");
        await BrowserApp.ScreenshotAsync(page, "02-home-zh");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Ledger" }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        // The choice is remembered on the next page.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "中文" })).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "03-home-en");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync("/Ledger");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
    }

    [Fact]
    public async Task TheBrowserReportsNoContentSecurityPolicyViolations()
    {
        var page = await browser.PageAsync(1280, 800);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("用户名").FillAsync("commander");
        await page.GetByLabel("密码").FillAsync("Demo#2022");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.GotoAsync("/Audit");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "审计日志" })).ToBeVisibleAsync();
        await page.GetByLabel("操作").SelectOptionAsync("sign-in");
        await Assertions.Expect(page.Locator("#audit-entries tbody tr").First).ToContainTextAsync("登录");
        Assert.Empty(violations);
    }
}
