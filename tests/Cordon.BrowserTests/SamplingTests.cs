using System.Net.Http.Json;
using Cordon.Features.Testing;
using System.Text.Json;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

public sealed class SamplingTests(BrowserApp browser)
{
    [Fact]
    public async Task ASamplerRegistersAPoolWithAKeyboardWedgeScannerOnAPhone()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("国权东路88弄");
        var codes = await browser.App.DbAsync(db => db.Residents
            .Where(r => r.Status == Cordon.Platform.People.ResidenceStatus.Resident && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == "国权东路88弄"))
            .OrderBy(r => r.SamplingCode).Select(r => r.SamplingCode).Take(3).ToListAsync());
        await LedgerTests.SignInAsync(page, "sampler");
        await page.GotoAsync($"/Testing/Sample?round={round}");

        var scan = page.GetByLabel("扫码或输入");
        var result = page.Locator("#result");
        await Assertions.Expect(result).ToContainTextAsync("请扫描试管条码");

        // A keyboard-wedge scanner types the code and presses Enter.
        await scan.FillAsync("TB" + Guid.NewGuid().ToString("N")[..8]);
        await scan.PressAsync("Enter");
        await Assertions.Expect(result).ToContainTextAsync("请扫描居民采样码");

        await scan.FillAsync(codes[0]);
        await scan.PressAsync("Enter");
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("ok"));
        await Assertions.Expect(result).ToContainTextAsync("1/10");
        await scan.FillAsync(codes[1]);
        await scan.PressAsync("Enter");
        await Assertions.Expect(result).ToContainTextAsync("2/10");
        await Assertions.Expect(page.Locator("#tube-count")).ToHaveTextAsync("2");
        await BrowserApp.ScreenshotAsync(page, "20-sampler-ok-phone");

        // The device's list reads the sub-district's clock (Asia/Shanghai), not the browser's (UTC here).
        var line = await page.Locator("#recent li").First.InnerTextAsync();
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Contains(new[] { 0, -1 }.Select(m => TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow.AddMinutes(m), shanghai).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)),
            line.StartsWith);

        // The same person again: a big red reason, nothing stored.
        await scan.FillAsync(codes[0]);
        await scan.PressAsync("Enter");
        await Assertions.Expect(result).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("bad"));
        await Assertions.Expect(result).ToContainTextAsync("本轮已采样");
        await BrowserApp.ScreenshotAsync(page, "21-sampler-refused-phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "封管" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync("—");
        Assert.Equal(2, await browser.App.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));
    }

    [Fact]
    public async Task SamplingKeepsWorkingOfflineAndEverySampleArrivesOnce()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("政立路580弄");
        var codes = await browser.App.DbAsync(db => db.Residents
            .Where(r => r.Status == Cordon.Platform.People.ResidenceStatus.Resident && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == "政立路580弄"))
            .OrderBy(r => r.SamplingCode).Select(r => r.SamplingCode).Skip(100).Take(20).ToListAsync());
        await LedgerTests.SignInAsync(page, "sampler");
        await page.GotoAsync($"/Testing/Sample?round={round}");
        await UntilAsync(page, "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null");
        await page.ReloadAsync();
        await UntilAsync(page, "() => !!(window.Cordon && window.Cordon.sampler)");

        await page.Context.SetOfflineAsync(true);
        var scan = page.GetByLabel("扫码或输入");
        var result = page.Locator("#result");
        for (var tube = 0; tube < 2; tube++)
        {
            await scan.FillAsync($"OFF{tube}" + round.ToString("N")[..8].ToUpperInvariant());
            await scan.PressAsync("Enter");
            await Assertions.Expect(result).ToContainTextAsync("请扫描居民采样码");
            for (var i = 0; i < 10; i++)
            {
                await scan.FillAsync(codes[(tube * 10) + i]);
                await scan.PressAsync("Enter");
                await Assertions.Expect(result).ToContainTextAsync($"{i + 1}/10");
                await Assertions.Expect(result).ToContainTextAsync("已保存在本机");
            }

            // A full pool closes the tube on the device too.
            await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync("—");
        }

        await Assertions.Expect(page.Locator("#waiting-count")).ToHaveTextAsync("20");
        await BrowserApp.ScreenshotAsync(page, "22-sampler-offline-phone");

        // The page and its queue survive a reload with no network.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#waiting-count")).ToHaveTextAsync("20");
        await Assertions.Expect(page.Locator("#offline")).ToBeVisibleAsync();
        Assert.Equal(0, await browser.App.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));

        await page.Context.SetOfflineAsync(false);
        await page.EvaluateAsync("window.Cordon.sampler.flush()");
        await Assertions.Expect(page.Locator("#waiting")).ToBeHiddenAsync(new() { Timeout = 15000 });
        Assert.Equal(20, await browser.App.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));
        Assert.Equal(20, await browser.App.DbAsync(db => db.SampleRecords.Where(r => r.RoundId == round).Select(r => r.ResidentId).Distinct().CountAsync()));
        Assert.Equal(0, await page.EvaluateAsync<int>("window.Cordon.sampler.queue().then(q => q.length)"));
        Assert.Equal([10, 10], await browser.App.DbAsync(db => db.Tubes.Where(t => t.RoundId == round).Select(t => t.Count).ToListAsync()));
    }

    [Fact]
    public async Task ABadScanKeepsTheHalfFullTube()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("国权东路88弄", tubePrefix: "TB", tubeLength: 10);
        var codes = await CodesAsync("国权东路88弄", skip: 20, take: 6);
        await OpenScreenAsync(page, round);
        var scan = page.GetByLabel("扫码或输入");
        var result = page.Locator("#result");
        var tube = "TB" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await ScanAsync(page, tube);
        await Assertions.Expect(result).ToContainTextAsync("请扫描居民采样码");
        for (var i = 0; i < 5; i++)
        {
            await ScanAsync(page, codes[i]);
            await Assertions.Expect(result).ToContainTextAsync($"{i + 1}/10");
        }

        await RegisteredAsync(page, "5/10");

        // A sampling code missing its last character, words, an ID number with a wrong check digit, another lab's tube:
        // each one refused in words, the tube and its five samples kept, nothing queued.
        string[] bad = [codes[5][..^1], "hello world", "310110199001011235", "XX12345678"];
        string[] reasons = ["采样码不完整", "无法识别", "身份证号有误", "不是本轮的试管条码"];
        for (var i = 0; i < bad.Length; i++)
        {
            await ScanAsync(page, bad[i]);
            await Assertions.Expect(result).ToHaveClassAsync(new Regex("bad"));
            await Assertions.Expect(result).ToContainTextAsync(reasons[i]);
            await Assertions.Expect(result).ToContainTextAsync($"当前试管 {tube}（5/10）不变，未登记");
            await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync(tube);
            await Assertions.Expect(page.Locator("#tube-count")).ToHaveTextAsync("5");
        }

        // The round's format is said where it matters: on the refusal of another lab's tube.
        await Assertions.Expect(result).ToContainTextAsync("以 TB 开头，共 10 位");
        await BrowserApp.ScreenshotAsync(page, "24-sampler-bad-scan-phone");
        Assert.Equal(0, await page.EvaluateAsync<int>("window.Cordon.sampler.queue().then(q => q.length)"));

        // The tube goes on where it was.
        await ScanAsync(page, codes[5]);
        await RegisteredAsync(page, "6/10");
        Assert.Equal(6, await browser.App.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));
        Assert.Equal([tube], await browser.App.DbAsync(db => db.Tubes.Where(t => t.RoundId == round).Select(t => t.Code).ToListAsync()));
    }

    [Fact]
    public async Task SwitchingFromAnUnsealedTubeAsksFirst()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("国权东路88弄");
        var codes = await CodesAsync("国权东路88弄", skip: 30, take: 4);
        await OpenScreenAsync(page, round);
        var result = page.Locator("#result");
        var first = "TA" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var second = "TB" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await ScanAsync(page, first);
        await ScanAsync(page, codes[0]);
        await Assertions.Expect(result).ToContainTextAsync("1/10");
        await ScanAsync(page, codes[1]);
        await Assertions.Expect(result).ToContainTextAsync("2/10");

        // Another tube while this one holds two: a question on the page, answered with one tap.
        await ScanAsync(page, second);
        var question = page.GetByRole(AriaRole.Alertdialog, new() { Name = $"换到试管 {second}？" });
        await Assertions.Expect(question).ToBeVisibleAsync();
        await Assertions.Expect(question).ToContainTextAsync($"当前试管 {first} 已采 2/10，还没封管。");
        await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync(first);
        // The scan field keeps the focus, so a scanner's Enter never presses one of the buttons.
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement === document.getElementById('scan')"));
        var buttons = question.GetByRole(AriaRole.Button);
        Assert.Equal(3, await buttons.CountAsync());
        foreach (var box in await Task.WhenAll((await buttons.AllAsync()).Select(b => b.BoundingBoxAsync())))
        {
            Assert.True(box!.Height >= 44, $"a button {box.Height} px tall");
        }

        await BrowserApp.ScreenshotAsync(page, "25-sampler-switch-asks-phone", fullPage: false);
        await question.GetByRole(AriaRole.Button, new() { Name = $"不换，继续用 {first}" }).ClickAsync();
        await Assertions.Expect(question).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync(first);

        // The next scan, not a tap, leaves the question unanswered and the tube as it was.
        await ScanAsync(page, "TC" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant());
        await Assertions.Expect(page.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("本次用过的试管是 10 位");
        await ScanAsync(page, codes[2]);
        await Assertions.Expect(page.GetByRole(AriaRole.Alertdialog)).ToBeHiddenAsync();
        await RegisteredAsync(page, "3/10");
        await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync(first);

        await ScanAsync(page, second);
        await page.GetByRole(AriaRole.Button, new() { Name = $"换到 {second}（{first} 留在未封管列表）" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync(second);
        await ScanAsync(page, codes[3]);
        await RegisteredAsync(page, "1/10");

        // The half-full tube stays in sight with its count; a tap makes it current again.
        var open = page.GetByRole(AriaRole.Region, new() { Name = "本机未封管的试管（点一下继续用）" });
        await Assertions.Expect(open).ToBeVisibleAsync();
        await open.GetByRole(AriaRole.Button, new() { Name = $"{first}  3/10" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tube-code")).ToHaveTextAsync(first);
        await Assertions.Expect(page.Locator("#tube-count")).ToHaveTextAsync("3");
        await Assertions.Expect(open.GetByRole(AriaRole.Button, new() { Name = $"{second}  1/10" })).ToBeVisibleAsync();
        Assert.Equal(
            new Dictionary<string, int> { [first] = 3, [second] = 1 },
            await browser.App.DbAsync(db => db.Tubes.Where(t => t.RoundId == round).Select(t => new { t.Code, Count = db.Set<Cordon.Features.Testing.SampleRecord>().Count(r => r.TubeId == t.Id) }).ToDictionaryAsync(t => t.Code, t => t.Count)));
    }

    [Fact]
    public async Task ARefusedSampleIsShownInRedOnTheDevice()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("政立路580弄");
        var codes = await CodesAsync("政立路580弄", skip: 150, take: 1);
        await OpenScreenAsync(page, round);
        var result = page.Locator("#result");
        await ScanAsync(page, "FR" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant());

        // Taken with no network: saved on the device, as it is.
        await page.Context.SetOfflineAsync(true);
        await ScanAsync(page, codes[0]);
        await Assertions.Expect(result).ToContainTextAsync("已保存在本机");
        var id = await page.EvaluateAsync<Guid>("window.Cordon.sampler.queue().then(q => q[0].id)");

        // Meanwhile another sampler took the same person.
        var other = await browser.App.ApiAsync("sampler");
        var taken = await other.PostAsJsonAsync("/api/v1/sampling/records", new
        {
            id = Guid.NewGuid(),
            roundId = round,
            samplingCode = codes[0],
            tubeCode = "OT" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(),
            takenAt = DateTime.UtcNow.ToString("O"),
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, taken.StatusCode);

        await page.Context.SetOfflineAsync(false);
        await page.EvaluateAsync("window.Cordon.sampler.flush()");

        // Red wherever the device shows it, with the server's reason, and never "saved" again.
        await Assertions.Expect(result).ToHaveClassAsync(new Regex("bad"));
        await Assertions.Expect(result).ToContainTextAsync("被退回");
        await Assertions.Expect(result).ToContainTextAsync("此人本轮已采样");
        await Assertions.Expect(result).Not.ToContainTextAsync("已保存在本机");
        await Assertions.Expect(page.Locator("#recent li").First).ToHaveClassAsync("refused");
        await Assertions.Expect(page.Locator("#recent li").First).ToHaveTextAsync(new Regex("^✗ [^✗]+ · 此人本轮已采样[^✗]*$"));
        await Assertions.Expect(page.Locator("#recent li").First).Not.ToContainTextAsync("待发送");
        // Not in the tube: the device's count says so.
        await Assertions.Expect(page.Locator("#tube-count")).ToHaveTextAsync("0");
        var refused = page.GetByRole(AriaRole.Region, new() { NameRegex = new Regex("^被退回的登记") });
        await Assertions.Expect(refused).ToContainTextAsync("✗");
        await Assertions.Expect(refused).ToContainTextAsync("此人本轮已采样");
        await Assertions.Expect(refused.GetByRole(AriaRole.Link, new() { Name = "负责人：在「同步冲突」中处理" })).ToHaveAttributeAsync("href", "/Conflicts");
        Assert.Equal("rgb(179, 38, 30)", await refused.Locator("li").First.EvaluateAsync<string>("e => getComputedStyle(e).color"));
        await BrowserApp.ScreenshotAsync(page, "26-sampler-refused-phone");

        // It is in the supervisors' inbox, and stays on the device, in red, across a reload.
        Assert.True(await browser.App.DbAsync(db => db.SyncConflicts.AnyAsync(c => c.Id == id)));
        await page.ReloadAsync();
        await Assertions.Expect(refused).ToContainTextAsync("此人本轮已采样");
        Assert.Equal(["refused"], await page.EvaluateAsync<string[]>("window.Cordon.sampler.queue().then(q => q.map(e => e.status))"));
        await page.GetByRole(AriaRole.Button, new() { Name = "我已知晓，清除" }).ClickAsync();
        await Assertions.Expect(refused).ToBeHiddenAsync();
    }

    [Fact]
    public async Task AQueueKeptBeforeTheUpgradeIsSentAfterIt()
    {
        var page = await browser.PageAsync();
        var round = await OpenRoundAsync("政立路580弄");
        var codes = await CodesAsync("政立路580弄", skip: 160, take: 2);
        await OpenScreenAsync(page, round);

        // What the earlier sampler kept: the whole queue as one value, "queue" in idb-keyval's default store.
        var tube = "UP" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var old = codes.Select((code, i) => new
        {
            id = ids[i],
            status = "pending",
            name = "",
            at = 1,
            body = new { id = ids[i], roundId = round, tubeCode = tube, samplingCode = code, takenAt = DateTime.UtcNow.ToString("O"), single = false, deviceId = "old-device", deviceSequence = i + 1 },
        });
        await UntilAsync(page, "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null");
        await page.Context.SetOfflineAsync(true);
        await page.EvaluateAsync("q => window.idbKeyval.set('queue', q)", old);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#waiting-count")).ToHaveTextAsync("2");
        Assert.Null(await page.EvaluateAsync<JsonElement?>("() => window.idbKeyval.get('queue').then(v => v === undefined ? null : v)"));

        await page.Context.SetOfflineAsync(false);
        await page.EvaluateAsync("window.Cordon.sampler.flush()");
        await Assertions.Expect(page.Locator("#waiting")).ToBeHiddenAsync();
        Assert.Equal(ids.Order(), (await browser.App.DbAsync(db => db.SampleRecords.Where(r => r.RoundId == round).Select(r => r.Id).ToListAsync())).Order());
    }

    private async Task OpenScreenAsync(IPage page, Guid round)
    {
        await LedgerTests.SignInAsync(page, "sampler");
        await page.GotoAsync($"/Testing/Sample?round={round}");
        await UntilAsync(page, "() => !!(window.Cordon && window.Cordon.sampler && window.Cordon.sampler.ready)");
    }

    // The server has answered: the result box speaks of the record and the device's list shows it stored.
    private static async Task RegisteredAsync(IPage page, string position)
    {
        await Assertions.Expect(page.Locator("#result")).ToContainTextAsync(position);
        await Assertions.Expect(page.Locator("#recent li").First).ToHaveClassAsync("ok");
        await Assertions.Expect(page.Locator("#recent li").First).ToContainTextAsync(position);
    }

    private static async Task ScanAsync(IPage page, string value)
    {
        var scan = page.GetByLabel("扫码或输入");
        await scan.FillAsync(value);
        await scan.PressAsync("Enter");
    }

    private Task<List<string>> CodesAsync(string compound, int skip, int take) => browser.App.DbAsync(db => db.Residents
        .Where(r => r.Status == Cordon.Platform.People.ResidenceStatus.Resident && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound))
        .OrderBy(r => r.SamplingCode).Select(r => r.SamplingCode).Skip(skip).Take(take).ToListAsync());

    // WaitForFunction evaluates a string, which the page's Content-Security-Policy (rightly) forbids.
    internal static async Task UntilAsync(IPage page, string predicate)
    {
        for (var i = 0; i < 150; i++)
        {
            if (await page.EvaluateAsync<bool>(predicate))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("Timed out waiting for " + predicate);
    }

    private async Task<Guid> OpenRoundAsync(string compound, string? tubePrefix = null, int? tubeLength = null)
    {
        var commander = await browser.App.ApiAsync("commander");
        var compoundId = await browser.App.DbAsync(db => db.Compounds.Where(c => c.Name == compound).Select(c => c.Id).SingleAsync());
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "浏览器测试轮次", compoundIds = new[] { compoundId }, tubePrefix, tubeLength });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await commander.PostAsync($"/api/v1/testing/rounds/{id}/open", null);
        return id;
    }
}
