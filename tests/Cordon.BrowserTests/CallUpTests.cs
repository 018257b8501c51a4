using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Staffing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>Issue 12 on phones: the commander calls people up for a lockdown; a cadre answers and proves arrival from their own phone.</summary>
public sealed class CallUpTests(BrowserApp browser)
{
    [Fact]
    public async Task ACommanderCallsUpAndACadreAnswersWithOneTapAndScansTheSite()
    {
        var app = browser.App;
        var api = await app.ApiAsync("commander");
        var building = await app.DbAsync(db => db.Buildings.Where(b => db.Residents.Any(r => r.BuildingId == b.Id)).OrderBy(b => b.SortKey).Select(b => b.Id).FirstAsync());
        var name = "调度演练 " + Guid.NewGuid().ToString("N")[..4];
        var ordered = await api.PostAsJsonAsync("/api/v1/lockdowns", new { name, level = "sealed", buildingIds = new[] { building } });
        var lockdown = (await ordered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var page = await browser.PageAsync(360, 780);
        await LedgerTests.SignInAsync(page, "commander");
        await page.GotoAsync($"/Lockdowns/Details?id={lockdown}");
        await page.GetByRole(AriaRole.Link, new() { Name = "发起调度" }).ClickAsync();
        await page.GetByLabel("报到地点").FillAsync("3号楼 东门");
        await page.GetByLabel("扫楼").FillAsync("4");
        await page.GetByLabel("采样").FillAsync("0");
        await page.GetByLabel("守门").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "先看名单" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "将要呼叫的人" })).ToBeVisibleAsync();
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "70-callup-proposal-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "立即呼叫" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".quota-stat[data-role=sweeper] b")).ToHaveTextAsync("0 / 0 / 4");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "71-callup-board-phone");
        var callUp = await app.DbAsync(db => db.Set<CallUp>().Where(c => c.LockdownId == lockdown).SingleAsync());
        var invitation = await app.DbAsync(db => db.Set<Invitation>().Where(i => i.CallUpId == callUp.Id && i.Role == StaffRoles.Sweeper).OrderBy(i => i.InvitedAt).FirstAsync());

        // A cadre's phone at 3 a.m.: the link from the group chat, no password, one tap.
        var phone = await browser.PageAsync(360, 780);
        await phone.GotoAsync($"/c/{invitation.Token}");
        await Assertions.Expect(phone.GetByText("3号楼 东门").First).ToBeVisibleAsync();
        await TouchTargets.AssertAsync(phone);
        await BrowserApp.ScreenshotAsync(phone, "72-callup-personal-phone");
        await phone.GetByRole(AriaRole.Button, new() { Name = "我来，20 分钟到" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToContainTextAsync("收到");

        // On site: the phone's camera opens the site QR's address; the link is remembered on this phone.
        await phone.GotoAsync($"/c/site/{callUp.SiteCode}");
        await phone.GetByRole(AriaRole.Button, new() { Name = "我已到达" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToContainTextAsync("已签到");
        await Assertions.Expect(phone.GetByRole(AriaRole.Button, new() { Name = "下班签退" })).ToBeVisibleAsync();
        await TouchTargets.AssertAsync(phone);
        await BrowserApp.ScreenshotAsync(phone, "73-callup-arrived-phone");

        // The board picks the arrival up by itself.
        await Assertions.Expect(page.Locator(".quota-stat[data-role=sweeper] b")).ToHaveTextAsync("1 / 1 / 4", new() { Timeout = 40_000 });
        await page.GotoAsync("/Staff/Fatigue");
        await Assertions.Expect(page.Locator("table.fatigue")).ToContainTextAsync("在岗");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "74-fatigue-phone");
    }
}

/// <summary>Every visible control is at least 44 px tall on a phone (a checkbox counts by its label).</summary>
internal static class TouchTargets
{
    // Visible controls: buttons, links styled as buttons, text inputs, selects, textareas, summaries; a checkbox or
    // radio counts by its label, which is what a thumb presses.
    public const string MeasureScript = """
        min => {
          const out = [];
          const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
          const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '') + ' "' + (e.innerText || e.value || e.placeholder || '').trim().slice(0, 30) + '"';
          for (const e of document.querySelectorAll('button, a.button, input, select, textarea, summary')) {
            if (e.type === 'hidden' || !visible(e) || e.closest('.print-only')) continue;
            let target = e;
            if (e.type === 'checkbox' || e.type === 'radio') target = e.closest('label') || e;
            const h = target.getBoundingClientRect().height;
            if (h + 0.5 < min) out.push(name(e) + ' is ' + Math.round(h) + ' px');
          }
          return out;
        }
        """;

    public static async Task AssertAsync(IPage page)
    {
        var found = await page.EvaluateAsync<JsonElement>(MeasureScript, 44);
        var small = found.EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.True(small.Count == 0, page.Url + ": controls under 44 px:\n" + string.Join("\n", small));
    }
}
