using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>待核实变更 on a phone: a committee member reads what a sweep found at a door and approves it into the ledger.</summary>
public sealed class ProposalTests(BrowserApp browser)
{
    [Fact]
    public async Task AStaffMemberApprovesAFindingFromTheirPhone()
    {
        var app = browser.App;
        var place = await app.Given().CompoundAsync("政立路居民区", flats: 2);
        var (first, second) = (place.Flats[0], place.Flats[1]);
        var resident = await app.Given().ResidentAsync(place, first, "黄丽华", "13300133000");
        var away = await app.Given().ProposalAsync(place, first, ProposalKind.Away, p => (p.ResidentId, p.Since, p.Where) = (resident, new DateOnly(2022, 4, 3), "昆山市第一人民医院"));
        await app.Given().ProposalAsync(place, first, ProposalKind.Phone, p => (p.ResidentId, p.Phone) = (resident, "13300133999"));
        await app.Given().ProposalAsync(place, second, ProposalKind.AddResident, p =>
        {
            (p.Name, p.DocumentNumber, p.Phone, p.Relation, p.Tags) = ("林晓雨", Given.NewIdNumber(), "13917001234", "租客", NeedTag.Pregnant);
            p.Note = "4月1日从安徽返沪，居家健康监测中";
        });

        var page = await browser.PageAsync(360, 780);
        await LedgerTests.SignInAsync(page, "staff");
        await page.GotoAsync("/Ledger");
        await page.GetByRole(AriaRole.Link, new() { Name = "待核实变更" }).ClickAsync();
        await page.GetByLabel("小区").SelectOptionAsync(new SelectOptionValue { Label = place.Name });
        await page.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        await Assertions.Expect(page.Locator("section.proposal-flat")).ToHaveCountAsync(2);

        var card = page.Locator($"#proposal-{away}");
        await Assertions.Expect(card.Locator("td.after")).ToContainTextAsync("昆山市第一人民医院");
        await card.Locator("summary", new() { HasText = "驳回" }).ClickAsync();
        await Assertions.Expect(card.GetByLabel("驳回理由")).ToBeVisibleAsync();
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1] + 1, $"the page scrolls sideways: {widths[0]} > {widths[1]}");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "90-proposals-phone");

        await card.GetByRole(AriaRole.Button, new() { Name = "通过", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("已通过并写入台账");
        await Assertions.Expect(page.Locator($"#proposal-{away}")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("section.proposal-flat")).ToHaveCountAsync(2);
        Assert.Equal(ResidenceStatus.Away, await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Status).SingleAsync()));
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "91-proposals-approved-phone");
    }
}
