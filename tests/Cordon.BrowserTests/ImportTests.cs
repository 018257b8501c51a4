using System.Text;
using Cordon.Features.Ledger;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

public sealed class ImportTests(BrowserApp browser)
{
    [Fact]
    public async Task StaffOnAPhoneSeeEveryBadRowBeforeImportingAndStoreOnlyTheValidOnes()
    {
        var compound = "浏览器导入小区" + Guid.NewGuid().ToString("N")[..6];
        var first = IdNumber.Compose("310110", new DateOnly(1961, 5, 3), 612);
        var second = IdNumber.Compose("310110", new DateOnly(1988, 11, 20), 412);
        var mistyped = second[..17] + (second[17] == '1' ? '2' : '1');
        var csv = string.Join("\r\n",
            "居民区,小区,楼栋,单元,室号,姓名,证件类型,证件号码,手机号,性别,出生日期,与户主关系,居住状态,标签,备注",
            $"政立路居民区,{compound},3号,1,502,王秀英,居民身份证,{first},13812345678,女,,户主,常住,独居,",
            $"政立路居民区,{compound},3号,1,502,李建国,居民身份证,{mistyped},,男,,配偶,常住,,",
            $"政立路居民区,{compound},3号,1,601,张伟,居民身份证,3.10110E+17,,男,,户主,常住,,",
            $"政立路居民区,{compound},3号,1,601,赵敏,居民身份证,{second},,女,,配偶,常住,,") + "\r\n";

        var page = await browser.PageAsync();
        await LedgerTests.SignInAsync(page, "staff");
        await page.GotoAsync("/Ledger/Import");
        await page.Locator("#Upload").SetInputFilesAsync(new FilePayload
        {
            Name = "政立路台账.csv",
            MimeType = "text/csv",
            Buffer = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)],
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();

        // The preview names each bad row as the spreadsheet shows it, the column, and why, in Chinese.
        await Assertions.Expect(page.Locator("h1 + .card h2, section.card h2").First).ToContainTextAsync("尚未写入");
        var errors = page.Locator("table tbody tr");
        await Assertions.Expect(errors).ToHaveCountAsync(2);
        await Assertions.Expect(errors.Nth(0)).ToContainTextAsync("3");
        await Assertions.Expect(errors.Nth(0)).ToContainTextAsync("校验位");
        await Assertions.Expect(errors.Nth(1)).ToContainTextAsync("4");
        await Assertions.Expect(errors.Nth(1)).ToContainTextAsync("文本");
        await BrowserApp.ScreenshotAsync(page, "15-import-preview-phone");
        Assert.Equal(0, await CountAsync(compound));

        await page.GetByLabel("只导入正确的 2 行", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "确认导入" }).ClickAsync();
        await Assertions.Expect(page.Locator("section.card h2").First).ToHaveTextAsync("已导入");
        Assert.Equal(2, await CountAsync(compound));
    }

    private Task<int> CountAsync(string compound) =>
        browser.App.DbAsync(db => db.Residents.CountAsync(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound)));
}
