using System.Globalization;
using System.Text.RegularExpressions;
using Cordon.Platform.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>Issue 14 on a phone: the register of people who need care, a contact logged, a task done and confirmed by the resident.</summary>
public sealed class CareTests(BrowserApp browser)
{
    [Fact]
    public async Task ARecurringMedicineTaskIsTakenDoneAndConfirmedOnAPhone()
    {
        var page = await browser.PageAsync(360, 780);
        await LedgerTests.SignInAsync(page, "staff");
        await page.GotoAsync("/Care");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "关爱台账" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#neighborhoods")).ToContainTextAsync("政立路居民区");
        var summary = page.Locator("#neighborhoods li").First;
        var notContacted = NotContacted(await summary.InnerTextAsync());
        // Someone the ledger tags (the top of the list may be a person with an overdue task and no tag) not yet reached today.
        var person = page.Locator("#register .care-person").Filter(new() { Has = page.Locator(".care-needs .tag") }).Filter(new() { HasText = "今日未联系" }).First;
        await Assertions.Expect(person.Locator(".care-needs .tag").First).ToBeVisibleAsync();
        var id = await person.GetAttributeAsync("data-id");
        var name = await person.Locator(".care-name").InnerTextAsync();
        person = page.Locator($"#register .care-person[data-id='{id}']");

        await person.GetByText("记录联系", new() { Exact = true }).ClickAsync();
        await person.GetByLabel("方式").SelectOptionAsync(new SelectOptionValue { Label = "电话" });
        await person.GetByLabel("情况").SelectOptionAsync(new SelectOptionValue { Label = "联系上，一切安好" });
        await person.GetByLabel("备注").FillAsync("老人说药还够两天");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "94-care-register-phone", fullPage: false);
        await person.GetByRole(AriaRole.Button, new() { Name = "保存联系" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"已记录与{name}的联系。");
        // Reached today, the person leaves the top of the list to those not yet reached.
        Assert.Equal(notContacted - 1, NotContacted(await summary.InnerTextAsync()));

        person = page.Locator("#register .care-person").First;
        name = await person.Locator(".care-name").InnerTextAsync();
        await person.GetByRole(AriaRole.Link, new() { Name = "新建任务" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-task")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(name);
        await page.GetByLabel("任务类型").SelectOptionAsync(new SelectOptionValue { Label = "送药" });
        await page.GetByLabel("周期", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "每 3 天" });
        await page.GetByLabel("备注").FillAsync("降压药，放门口的袋子里");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "95-care-new-task-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "建立任务" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/Care/Task\?id="));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("送药");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("待分派");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("每 3 天");
        await page.GetByRole(AriaRole.Button, new() { Name = "我来办" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("已分派");
        await page.GetByLabel("做了什么").FillAsync("药已送到，当面交给老人");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "96-care-task-phone");
        await page.GetByRole(AriaRole.Button, new() { Name = "已办完" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("已完成，待确认");

        await page.GetByText("电话回访", new() { Exact = true }).ClickAsync();
        await page.GetByLabel("居民或家属怎么说").FillAsync("老人说收到了");
        await page.GetByRole(AriaRole.Button, new() { Name = "已确认", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("居民已确认");
        var history = page.Locator("#history");
        await Assertions.Expect(history).ToContainTextAsync("药已送到，当面交给老人");
        await Assertions.Expect(history).ToContainTextAsync("居民确认");
        await Assertions.Expect(history).ToContainTextAsync("老人说收到了");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "97-care-task-confirmed-phone");
        await AssertFitsAsync(page);

        var taskId = new Uri(page.Url).Query.Split("id=")[1];
        await page.GetByRole(AriaRole.Link, new() { Name = "关爱任务", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "已确认", Exact = true }).ClickAsync();
        var listed = page.Locator($"#tasks li[data-id='{taskId}']");
        await Assertions.Expect(listed).ToContainTextAsync("送药");
        await Assertions.Expect(listed).ToContainTextAsync(name);
        await Assertions.Expect(listed).ToContainTextAsync("每 3 天");
        await TouchTargets.AssertAsync(page);
        await AssertFitsAsync(page);

        // In English the same task reads in English, the way it was confirmed too (stored in the confirmer's words).
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "中文" })).ToBeVisibleAsync();
        await page.GotoAsync($"/Care/Task?id={taskId}");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Medicine");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Confirmed");
        await Assertions.Expect(page.Locator("#history")).ToContainTextAsync("Confirmed · staff · Phone call");
        await AssertFitsAsync(page);
    }

    [Fact]
    public async Task AHospitalVisitIsNotDoneUntilItsTripIsRecorded()
    {
        var page = await browser.PageAsync(360, 780);
        await LedgerTests.SignInAsync(page, "staff");
        await page.GotoAsync("/Care");
        var id = await page.Locator("#register .care-person").Last.GetAttributeAsync("data-id");
        await page.GotoAsync($"/Care/New?ResidentId={id}");
        await page.GetByLabel("任务类型").SelectOptionAsync(new SelectOptionValue { Label = "就医" });
        await page.GetByRole(AriaRole.Button, new() { Name = "建立任务" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("就医");
        await page.GetByRole(AriaRole.Button, new() { Name = "我来办" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("已分派");

        await page.GetByLabel("做了什么").FillAsync("陪同去医院透析");
        await page.GetByRole(AriaRole.Button, new() { Name = "已办完" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("行程还缺：车辆");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("已分派");
        await Assertions.Expect(page.GetByLabel("做了什么")).ToHaveValueAsync("陪同去医院透析");
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "98-care-trip-refused-phone");

        var now = browser.App.Services.GetRequiredService<LocalTime>().Now;
        string At(double hoursAgo) => now.AddHours(-hoursAgo).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        await page.GetByLabel("车辆").FillAsync("沪A·D12345");
        await page.GetByLabel("司机").FillAsync("张师傅");
        await page.GetByLabel("目的地").FillAsync("长海医院血透室");
        await page.GetByLabel("出发时间").FillAsync(At(4));
        await page.GetByLabel("到达时间").FillAsync(At(3.5));
        await page.GetByLabel("交接人").FillAsync("血透室 王护士");
        await page.GetByLabel("返回时间").FillAsync(At(0.5));
        await page.GetByLabel("做了什么").FillAsync("陪同去医院透析，已送回家");
        await page.GetByRole(AriaRole.Button, new() { Name = "已办完" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("已完成，待确认");
        var trip = page.Locator("#trip");
        await Assertions.Expect(trip).ToContainTextAsync("沪A·D12345");
        await Assertions.Expect(trip).ToContainTextAsync("血透室 王护士");
        await Assertions.Expect(trip).ToContainTextAsync(At(0.5).Replace('T', ' '));
        await TouchTargets.AssertAsync(page);
        await BrowserApp.ScreenshotAsync(page, "99-care-trip-done-phone");
        await AssertFitsAsync(page);
    }

    private static int NotContacted(string summary) =>
        int.Parse(Regex.Match(summary, @"今日未联系 (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    private static async Task AssertFitsAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 360, $"{page.Url} is {width} px wide on a 360-px phone");
    }
}
