using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Sweeps;
using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore;
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

    [Fact]
    public async Task ATeamRecordsVisitsOfflineOnAPhoneAndEachArrivesOnceAsAProposal()
    {
        var api = await browser.App.ApiAsync("staff");
        var compound = await browser.App.DbAsync(db => db.Compounds.Where(c => c.Name == "国定路400弄").Select(c => c.Id).SingleAsync());
        var created = await api.PostAsJsonAsync("/api/v1/sweeps", new { compoundIds = new[] { compound }, teams = 2, round = 7, label = "中午" });
        var sweep = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var page = await browser.PageAsync(360, 780);
        await LedgerTests.SignInAsync(page, "staff");
        await page.GotoAsync($"/Sweeps/Walk?sweep={sweep}&team=1");
        await SamplingTests.UntilAsync(page, "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null");
        await page.ReloadAsync();
        await SamplingTests.UntilAsync(page, "() => !!(window.Cordon && window.Cordon.sweep && window.Cordon.sweep.ready)");
        await Assertions.Expect(page.Locator("#walk-head")).ToContainTextAsync("第 1 队");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "82-sweep-walk-phone", fullPage: false);

        await page.Context.SetOfflineAsync(true);
        var withPeople = page.Locator("#walk-list .flat-row:has(.flat-people)").First;
        var room = await withPeople.Locator(".flat-room").TextContentAsync();
        await withPeople.ClickAsync();
        await page.GetByText("已应门", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "人数加一" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "人数加一" }).ClickAsync();
        await page.Locator("#visit-residents fieldset").First.GetByText("在家").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "＋ 添加一人" }).ClickAsync();
        var person = page.Locator("#visit-people fieldset").First;
        await person.GetByLabel("姓名").FillAsync("王暂住");
        await person.GetByLabel("证件号").FillAsync("310110199001011235");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存本户" }).ClickAsync();
        await Assertions.Expect(page.Locator("#visit-error")).ToContainTextAsync("校验位");
        await person.GetByLabel("证件号").FillAsync("11010519491231002X");
        await person.GetByLabel("手机号").FillAsync("13912345678");
        await person.GetByLabel("何时到此").FillAsync("2026-11-25");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "83-sweep-visit-form-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存本户" }).ClickAsync();
        await Assertions.Expect(page.Locator("#walk-message")).ToContainTextAsync("已保存在手机上");

        await page.Locator("#walk-list .flat-row").Nth(1).ClickAsync();
        await page.GetByText("无人应门", new() { Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "保存本户" }).ClickAsync();
        await Assertions.Expect(page.Locator("#walk-waiting-count")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#walk-offline")).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "84-sweep-walk-offline-phone", fullPage: false);

        // A reload with no network: the packet and the two visits are still on the phone.
        await page.ReloadAsync();
        await SamplingTests.UntilAsync(page, "() => !!(window.Cordon && window.Cordon.sweep && window.Cordon.sweep.ready)");
        await Assertions.Expect(page.Locator("#walk-waiting-count")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#walk-list")).ToContainTextAsync(room!);
        Assert.Equal(0, await browser.App.DbAsync(db => db.Set<SweepVisit>().CountAsync(v => v.SweepId == sweep)));

        await page.Context.SetOfflineAsync(false);
        await page.EvaluateAsync("window.Cordon.sweep.flush(true)");
        await Assertions.Expect(page.Locator("#walk-waiting")).ToBeHiddenAsync(new() { Timeout = 15000 });
        await page.EvaluateAsync("window.Cordon.sweep.flush(true)");
        Assert.Equal(2, await browser.App.DbAsync(db => db.Set<SweepVisit>().CountAsync(v => v.SweepId == sweep)));
        Assert.Equal(0, await page.EvaluateAsync<int>("window.Cordon.sweep.queue().then(q => q.length)"));

        // Found at the door, waiting for a person's approval: not in the ledger yet.
        Assert.Equal(1, await browser.App.DbAsync(db => db.Set<LedgerProposal>().CountAsync(p => p.Name == "王暂住" && p.Status == ProposalStatus.Open)));
        Assert.False(await browser.App.DbAsync(db => db.Residents.AnyAsync(r => r.Name == "王暂住")));
    }
}
