using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Lockdowns;
using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Lockdowns;

public sealed class LockdownPagesTests(DemoApp app)
{
    private const string EastNeighborhoodCompound = "中原小区";

    [Fact]
    public async Task TheBoardShowsANewLockdownWithItsClocksAndTheDetailsPageRunsIt()
    {
        var (id, name, building) = await OrderAsync(EastNeighborhoodCompound, "3号");
        var pages = await app.PagesAsync("commander");

        var board = await pages.PageAsync("/Lockdowns");
        var card = board.QuerySelectorAll("article.lockdown").Single(a => a.TextContent.Contains(name, StringComparison.Ordinal));
        Assert.Contains("封控区", card.TextContent, StringComparison.Ordinal);
        Assert.Equal(4, card.QuerySelectorAll(".clock").Length);
        Assert.Contains("剩 ", card.QuerySelector(".clock[data-key=arrive] .clock-time")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("0/6", card.TextContent, StringComparison.Ordinal);
        Assert.NotNull(board.QuerySelector("a[href='/Lockdowns/New']"));

        // The board refreshes itself from a partial with the same card.
        var partial = await pages.PageAsync("/Lockdowns?handler=Board");
        Assert.Contains(name, partial.QuerySelector("#board")!.TextContent, StringComparison.Ordinal);

        var url = $"/Lockdowns/Details?id={id}";
        var checkIn = await pages.SubmitAsync(url, new() { ["note"] = "3号楼门口" }, "form[action*='handler=CheckIn']");
        Assert.Equal(HttpStatusCode.Redirect, checkIn.StatusCode);
        var tick = await pages.SubmitAsync(url, [], "form[action*='handler=Tick']");
        Assert.Equal(HttpStatusCode.Redirect, tick.StatusCode);

        var details = await pages.PageAsync(url);
        Assert.Contains("封控中", details.QuerySelector(".page-head")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(details.QuerySelector(".clock-done[data-key=arrive]"));
        Assert.Null(details.QuerySelector("form[action*='handler=CheckIn']"));
        Assert.Contains("1/6", details.QuerySelector("#checklist")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("commander", details.QuerySelector(".checklist li.done")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(details.QuerySelector($"a[href='/Ledger/Buildings/{building}']"));
        Assert.NotNull(details.QuerySelector("a[href$='/Series']"));
        Assert.NotEmpty(details.QuerySelectorAll(".blockers li"));
        Assert.NotNull(details.QuerySelector("form[action*='handler=Unlock'] textarea[name=reason]"));
        Assert.Contains("3号楼门口", details.QuerySelector("#history")!.ParentElement!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACommanderOverridesTheRuleThenEveryEntranceIsDisinfectedBeforeTheLockdownCloses()
    {
        var (id, _, building) = await OrderAsync("国权东路88弄", "5号");
        var pages = await app.PagesAsync("commander");
        var url = $"/Lockdowns/Details?id={id}";

        var refused = await pages.SubmitAsync(url, new() { ["reason"] = "" }, "form[action*='handler=Unlock']");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("强制解封须写明理由", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unlocked = await pages.SubmitAsync(url, new() { ["reason"] = "区指挥部同意提前解封" }, "form[action*='handler=Unlock']");
        Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);

        var details = await pages.PageAsync(url);
        Assert.Contains("已解封", details.QuerySelector(".page-head")!.TextContent, StringComparison.Ordinal);
        Assert.Single(details.QuerySelectorAll("ul.missing li"));
        var early = await pages.SubmitAsync(url, [], "form[action*='handler=Close']");
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("还有 1 个单元没有消杀记录", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The form's client id makes a repeated submit one record.
        var form = (await pages.PageAsync(url)).QuerySelector("form[action*='handler=Disinfect']")!;
        Dictionary<string, string> fields = new()
        {
            ["disinfectionId"] = form.QuerySelector("input[name=disinfectionId]")!.GetAttribute("value")!,
            ["buildingId"] = building.ToString(),
            ["entrance"] = "1",
            ["agent"] = "含氯消毒剂 500 mg/L",
            ["areas"] = "楼道、电梯、门把手",
        };
        Assert.Equal(HttpStatusCode.Redirect, (await pages.SubmitAsync(url, fields, "form[action*='handler=Disinfect']")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await pages.Http.PostAsync(url + "&handler=Disinfect", new FormUrlEncodedContent(
            [.. fields, new("__RequestVerificationToken", form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!)]))).StatusCode);
        Assert.Equal(1, await app.DbAsync(db => db.Set<Disinfection>().CountAsync(d => d.LockdownId == id)));

        Assert.Equal(HttpStatusCode.Redirect, (await pages.SubmitAsync(url, [], "form[action*='handler=Close']")).StatusCode);
        var closed = await pages.PageAsync(url);
        Assert.Contains("已结束", closed.QuerySelector(".page-head")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("区指挥部同意提前解封", closed.QuerySelector("#history")!.ParentElement!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(id.ToString(), (await pages.PageAsync("/Lockdowns")).QuerySelector("#board")!.InnerHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaffOutsideTheLockdownsJurisdictionNeitherSeeNorOpenIt()
    {
        var (id, name, _) = await OrderAsync(EastNeighborhoodCompound, "2号");
        var staff = await app.PagesAsync("staff");

        var board = await staff.PageAsync("/Lockdowns");
        Assert.DoesNotContain(name, board.Body!.TextContent, StringComparison.Ordinal);
        Assert.Null(board.QuerySelector("a[href='/Lockdowns/New']"));
        var (response, _) = await staff.GetAsync($"/Lockdowns/Details?id={id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var form = await staff.Http.GetAsync("/Lockdowns/New");
        Assert.StartsWith("/Account/AccessDenied", form.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOrderFormSealsOnceEvenWhenSubmittedTwice()
    {
        var pages = await app.PagesAsync("commander");
        var building = await BuildingAsync("国定路400弄", "4号");
        var name = "表单封控 " + Guid.NewGuid().ToString("N")[..6];
        var form = await pages.PageAsync("/Lockdowns/New");
        var requestId = form.QuerySelector("input[name=RequestId]")!.GetAttribute("value")!;
        Assert.NotNull(form.QuerySelector($"input[name=BuildingIds][value='{building}']"));
        Dictionary<string, string> fields = new()
        {
            ["RequestId"] = requestId,
            ["Name"] = name,
            ["Level"] = "controlled",
            ["BuildingIds"] = building.ToString(),
            ["OrderedBy"] = "区指挥部",
            ["PlannedDays"] = "7",
        };

        var first = await pages.SubmitAsync("/Lockdowns/New", fields);
        var second = await pages.SubmitAsync("/Lockdowns/New", fields);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        var lockdown = await app.DbAsync(db => db.Set<Lockdown>().AsNoTracking().SingleAsync(l => l.Name == name));
        Assert.Equal((Guid.Parse(requestId), LockdownLevel.Controlled, 7), (lockdown.Id, lockdown.Level, lockdown.PlannedDays));
        var details = await pages.PageAsync(first.Headers.Location!.OriginalString);
        Assert.Contains("管控区", details.QuerySelector(".page-head")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOrderWithoutScopeIsRefusedOnTheFormWithAReason()
    {
        var pages = await app.PagesAsync("commander");
        var response = await pages.SubmitAsync("/Lockdowns/New", new() { ["Name"] = "没有范围", ["Level"] = "sealed" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("请选择要封控的楼栋或小区", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLedgerAndTheResidentPageShowASealedBuilding()
    {
        var (_, name, building) = await OrderAsync(EastNeighborhoodCompound, "1号");
        var pages = await app.PagesAsync("commander");

        var grid = await pages.PageAsync($"/Ledger/Buildings/{building}");
        Assert.Contains("封控中", grid.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        var compound = await app.DbAsync(db => db.Buildings.Where(b => b.Id == building).Select(b => b.CompoundId).SingleAsync());
        var row = (await pages.PageAsync($"/Ledger/Compounds/{compound}")).QuerySelectorAll("tbody tr")
            .Single(r => r.QuerySelector($"a[href='/Ledger/Buildings/{building}']") is not null);
        Assert.NotNull(row.QuerySelector(".tag.sealed"));

        var resident = await app.DbAsync(db => db.Residents.Where(r => r.BuildingId == building && r.Status == ResidenceStatus.Resident).Select(r => r.Id).FirstAsync());
        var page = await pages.PageAsync($"/Ledger/Residents/{resident}");
        Assert.Contains(name, page.QuerySelector("#resident-lockdowns")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAdminEditsThePlanAndAnInvalidOneIsRefused()
    {
        var admin = await app.PagesAsync("admin");
        var plan = await admin.PageAsync("/Lockdowns/Plan");
        Assert.Equal("arrive", plan.QuerySelector("input[name='Milestones[0].Key']")!.GetAttribute("value"));

        // Dropping a milestone other programs read is refused, and nothing is saved.
        var response = await admin.SubmitAsync("/Lockdowns/Plan", new() { ["Milestones[0].Key"] = "" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("预案不合规", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Saved as it stands (the default's content, so other tests' lockdowns keep the same clocks), it is a new version.
        var before = await app.DbAsync(db => db.Set<ResponsePlan>().CountAsync());
        var asItStands = plan.QuerySelectorAll("form.plan-form input:not([type=hidden])")
            .Select(i => (Name: i.GetAttribute("name"), Value: i.GetAttribute("value"))).Where(i => i.Name is not null && i.Value is not null)
            .ToDictionary(i => i.Name!, i => i.Value!);
        var saved = await admin.SubmitAsync("/Lockdowns/Plan", asItStands);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var version = await app.DbAsync(db => db.Set<ResponsePlan>().MaxAsync(p => p.Version));
        Assert.Equal(before + 1, await app.DbAsync(db => db.Set<ResponsePlan>().CountAsync()));
        var after = await admin.PageAsync("/Lockdowns/Plan");
        Assert.Contains($"已保存为第 {version} 版", after.QuerySelector(".alert.ok")!.TextContent, StringComparison.Ordinal);
        Assert.Contains($"第 {version} 版", after.QuerySelector("#plan-version")!.TextContent, StringComparison.Ordinal);

        var staff = await app.PagesAsync("staff");
        var readOnly = await staff.PageAsync("/Lockdowns/Plan");
        Assert.NotNull(readOnly.QuerySelector("fieldset[disabled]"));
        Assert.Null(readOnly.QuerySelector("form.plan-form button[type=submit]"));
    }

    private async Task<Guid> BuildingAsync(string compound, string number) => await app.DbAsync(db => db.Buildings
        .Where(b => b.Number == number && db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == compound)).Select(b => b.Id).SingleAsync());

    private async Task<(Guid Id, string Name, Guid Building)> OrderAsync(string compound, string number)
    {
        var building = await BuildingAsync(compound, number);
        var name = "页面封控 " + Guid.NewGuid().ToString("N")[..6];
        var commander = await app.ApiAsync("commander");
        var response = await commander.PostAsJsonAsync("/api/v1/lockdowns", new
        {
            name,
            level = "sealed",
            buildingIds = new[] { building },
            receivedAt = DateTime.UtcNow.AddMinutes(-3),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetGuid(), name, building);
    }
}
