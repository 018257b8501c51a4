using System.Text;
using Cordon.Features.Ledger;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

[Collection(Alone.Name)]
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
        var errors = page.Locator("section.import-errors table tbody tr");
        await Assertions.Expect(errors).ToHaveCountAsync(2);
        await Assertions.Expect(errors.Nth(0)).ToContainTextAsync("3");
        await Assertions.Expect(errors.Nth(0)).ToContainTextAsync("校验位");
        await Assertions.Expect(errors.Nth(1)).ToContainTextAsync("4");
        await Assertions.Expect(errors.Nth(1)).ToContainTextAsync("文本");
        await BrowserApp.ScreenshotAsync(page, "15-import-preview-phone");
        Assert.Equal(0, await CountAsync(compound));

        // With errors, "only the valid rows" is the choice already made, and each choice says what it will store.
        await Assertions.Expect(page.GetByLabel("只导入正确的 2 行", new() { Exact = false })).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("label", new() { HasText = "全部正确才导入" })).ToContainTextAsync("将写入：0 人");
        await page.GetByRole(AriaRole.Button, new() { Name = "确认导入" }).ClickAsync();
        await Assertions.Expect(page.Locator("section.card h2").First).ToHaveTextAsync("已导入 2 人");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = compound })).ToBeVisibleAsync();
        Assert.Equal(2, await CountAsync(compound));
    }

    [Fact]
    public async Task ALargeFileUploadedOnAPhoneShowsItsProgressBarUntilItIsImported()
    {
        var compound = "浏览器大文件小区" + Guid.NewGuid().ToString("N")[..6];
        const int rows = 30_000;
        var page = await browser.PageAsync();
        await LedgerTests.SignInAsync(page, "commander");
        await page.GotoAsync("/Ledger/Import");
        await page.Locator("#Upload").SetInputFilesAsync(new FilePayload { Name = "全小区台账.csv", MimeType = "text/csv", Buffer = LargeCsv(compound, rows) });
        await page.GetByRole(AriaRole.Button, new() { Name = "预览" }).ClickAsync();

        // The preview of a large file is a job of its own: its page follows it and offers the import when it is done.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Ledger/Import/[0-9a-f-]{36}$"));
        var confirm = page.GetByRole(AriaRole.Button, new() { Name = "确认导入" });
        await Assertions.Expect(confirm).ToBeVisibleAsync(new() { Timeout = 150_000 });
        await Assertions.Expect(page.GetByText("将写入：新增 30,000 人，更新 0 人")).ToBeVisibleAsync();
        await confirm.ClickAsync();

        // The import runs behind a progress bar that the page refreshes every two seconds, then says what it did.
        var bar = page.GetByRole(AriaRole.Progressbar, new() { Name = "导入进度" });
        await Assertions.Expect(bar).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const bar = document.querySelector('#job progress[value]'); return bar !== null && bar.value >= 10; }", null, new() { Timeout = 150_000 });
        await Assertions.Expect(page.GetByText("已读取", new() { Exact = false })).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "16-import-progress-phone");
        var box = await page.GetByRole(AriaRole.Button, new() { Name = "停止导入" }).BoundingBoxAsync();
        Assert.True(box is null || box.Height >= 44, $"the stop button is {box?.Height} px high");

        await Assertions.Expect(page.Locator("#job h2").First).ToHaveTextAsync("已导入 30,000 人", new() { Timeout = 150_000 });
        await Assertions.Expect(bar).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = compound })).ToBeVisibleAsync();
        await BrowserApp.ScreenshotAsync(page, "17-import-done-phone");
        Assert.Equal(rows, await CountAsync(compound));
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 360, $"the page is {width} px wide on a 360-px phone");
    }

    private static byte[] LargeCsv(string compound, int count)
    {
        const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹";
        const string Given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华";
        var text = new StringBuilder("居民区,小区,楼栋,单元,室号,姓名,证件类型,证件号码,手机号,性别,出生日期,与户主关系,居住状态,标签,备注\r\n");
        for (var i = 0; i < count; i++)
        {
            var id = IdNumber.Compose("659001", new DateOnly(1940, 1, 1).AddDays(i / 400), 100 + (i % 400));
            var name = $"{Surnames[i % Surnames.Length]}{Given[i / Surnames.Length % Given.Length]}{Given[i / 750 % Given.Length]}";
            text.Append($"政立路居民区,{compound},{(i / 240) + 1}号,{(i % 240 / 80) + 1},{(i % 80 / 4) + 1}{(i % 4) + 1:00},{name},居民身份证,{id},,,,,常住,,\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private Task<int> CountAsync(string compound) =>
        browser.App.DbAsync(db => db.Residents.CountAsync(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound)));
}
