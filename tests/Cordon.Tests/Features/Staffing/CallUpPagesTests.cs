using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Staffing;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Staffing;

/// <summary>The same call-ups from the pages people use: the commander's form and board, a cadre's phone at 3 a.m.</summary>
public sealed partial class CallUpTests
{
    [Fact]
    public async Task ACommanderCallsFromTheFormAndACadreAnswersAndArrivesFromThePhone()
    {
        var app = fixture.App;
        var commander = await app.ApiAsync("commander");
        var (lockdown, neighborhood, siteCode) = await fixture.LockdownAsync(commander, "国定路 页面测试");
        var a = CallUpApp.Person("页甲", StaffRoles.Sweeper, neighborhood, 5);
        var b = CallUpApp.Person("页乙", StaffRoles.Sweeper, neighborhood, 6);
        var c = CallUpApp.Person("页丙", StaffRoles.Leader, neighborhood, 7);
        await fixture.RosterAsync(a, b, c);
        var pages = await app.PagesAsync("commander");

        var lockdownPage = await pages.PageAsync($"/Lockdowns/Details?id={lockdown}");
        Assert.NotNull(lockdownPage.QuerySelector($"#callups ~ p a[href='/CallUps/New?lockdownId={lockdown}'], a[href='/CallUps/New?lockdownId={lockdown}']"));

        var url = $"/CallUps/New?lockdownId={lockdown}";
        var fields = new Dictionary<string, string>
        {
            ["LockdownId"] = lockdown.ToString(),
            ["ReportTo"] = "国定路 东门",
            ["Counts[leader]"] = "1",
            ["Counts[sweeper]"] = "2",
            ["Counts[sampler]"] = "0",
            ["Counts[gatekeeper]"] = "0",
        };
        var preview = await pages.SubmitAsync(url + "&handler=Preview", fields, "form.callup-form");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var proposal = await PageClient.ParseAsync(await preview.Content.ReadAsStringAsync());
        var names = proposal.QuerySelectorAll(".proposal-need label.check").Select(l => l.TextContent).ToList();
        Assert.Null(proposal.QuerySelector(".validation-summary-errors"));
        Assert.Contains(names, n => n.Contains("页甲", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains("页丙", StringComparison.Ordinal));

        // The commander strikes 页乙 and calls.
        var form = new Dictionary<string, string>(fields) { ["RequestId"] = Guid.CreateVersion7().ToString() };
        var content = new List<KeyValuePair<string, string>>(form)
        {
            new("__RequestVerificationToken", proposal.QuerySelector("form.callup-form input[name=__RequestVerificationToken]")!.GetAttribute("value")!),
        };
        foreach (var id in new[] { a.Id, b.Id, c.Id })
        {
            content.Add(new("Proposed", id.ToString()));
        }

        content.Add(new("Keep", a.Id.ToString()));
        content.Add(new("Keep", c.Id.ToString()));
        var created = await pages.Http.PostAsync($"/CallUps/New?lockdownId={lockdown}&handler=Create", new FormUrlEncodedContent(content));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var board = created.Headers.Location!.ToString();
        var callUpId = Guid.Parse(board[(board.IndexOf('=') + 1)..]);
        var invitations = await app.DbAsync(db => db.Set<Invitation>().Where(i => i.CallUpId == callUpId).ToListAsync());
        Assert.Equal(new[] { a.Id, c.Id }.Order(), invitations.Select(i => i.StaffId).Order());

        var details = await pages.PageAsync(board);
        Assert.Equal("0 / 0 / 2", details.QuerySelector(".quota-stat[data-role=sweeper] b")!.TextContent);
        Assert.Contains("页甲", details.QuerySelector("table.callup-people")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(siteCode, details.QuerySelector(".site-code")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(details.QuerySelector(".site-qr svg"));

        // On the cadre's phone: no sign-in, one tap.
        var phone = app.Pages();
        var token = invitations.Single(i => i.StaffId == a.Id).Token;
        var mine = await phone.PageAsync($"/c/{token}");
        Assert.Contains("页*", mine.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("页甲", mine.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Equal(6, mine.QuerySelectorAll("form[action*='handler=Coming'] button[name=eta]").Length);
        var coming = await phone.SubmitAsync($"/c/{token}", new() { ["eta"] = "20" }, "form[action*='handler=Coming']");
        Assert.Equal(HttpStatusCode.OK, coming.StatusCode);
        Assert.True(coming.Headers.CacheControl!.NoStore);
        Assert.Contains("收到", await coming.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The site QR opened with the camera app finds the link in the phone's cookie.
        var site = await phone.PageAsync($"/c/site/{siteCode}");
        Assert.NotNull(site.QuerySelector("form[action*='handler=Arrive']"));
        var arrived = await phone.SubmitAsync($"/c/site/{siteCode}", [], "form[action*='handler=Arrive']");
        Assert.Equal(HttpStatusCode.OK, arrived.StatusCode);
        Assert.NotNull((await app.DbAsync(db => db.Set<Invitation>().SingleAsync(i => i.StaffId == a.Id))).ArrivedAt);

        // A phone without a link is told what to do, and nothing is recorded.
        var stranger = await app.Pages().PageAsync($"/c/site/{siteCode}");
        Assert.Null(stranger.QuerySelector("form[action*='handler=Arrive']"));
        Assert.Contains("个人链接", stranger.QuerySelector("main")!.TextContent, StringComparison.Ordinal);

        details = await pages.PageAsync(board);
        Assert.Equal("1 / 1 / 2", details.QuerySelector(".quota-stat[data-role=sweeper] b")!.TextContent);
        var lockdowns = await pages.PageAsync("/Lockdowns");
        var card = lockdowns.QuerySelectorAll("article.lockdown").Single(a => a.TextContent.Contains("国定路 页面测试", StringComparison.Ordinal));
        Assert.Contains("1 / 1 / 3", card.TextContent, StringComparison.Ordinal);
        var fatigue = await pages.PageAsync("/Staff/Fatigue");
        Assert.Contains("页甲", fatigue.QuerySelector("table.fatigue")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("在岗", fatigue.QuerySelector("table.fatigue")!.TextContent, StringComparison.Ordinal);

        // A dead link says so.
        var dead = await phone.GetAsync($"/c/{new string('z', 26)}");
        Assert.Equal(HttpStatusCode.NotFound, dead.Response.StatusCode);
    }
}

/// <summary>Each team's links go to its own group when it has a robot (set on its page), the rest to the sub-district's.</summary>
public sealed partial class CallUpTests
{
    [Fact]
    public async Task ATeamWithItsOwnRobotGetsItsPeoplesLinksThere()
    {
        var app = fixture.App;
        var commander = await app.ApiAsync("commander");
        var (lockdown, neighborhood, _) = await fixture.LockdownAsync(commander, "国定路 各队群测试");
        var police = CallUpApp.Person("警甲", StaffRoles.Gatekeeper, neighborhood, 5);
        police.Organisation = "民警";
        var committee = CallUpApp.Person("委乙", StaffRoles.Gatekeeper, neighborhood, 6);
        await fixture.RosterAsync(police, committee);
        var teamUrl = fixture.Robot.Url + "&team=police";

        var pages = await app.PagesAsync("commander");
        var bad = await pages.SubmitAsync("/Staff/Robots", new() { ["organisation"] = "民警", ["url"] = "ftp://example.cn/robot" }, "form:has(input[value='民警'])");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var saved = await pages.SubmitAsync("/Staff/Robots", new() { ["organisation"] = "民警", ["url"] = teamUrl }, "form:has(input[value='民警'])");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var page = await pages.PageAsync("/Staff/Robots");
        Assert.DoesNotContain("team=police", page.DocumentElement.OuterHtml, StringComparison.Ordinal);

        var created = await commander.PostAsJsonAsync("/api/v1/callups", new { lockdownId = lockdown, reportTo = "西门", needs = new[] { new { role = "gatekeeper", count = 2 } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var tokens = (await app.DbAsync(db => db.Set<Invitation>().Where(i => i.CallUpId == id).ToListAsync())).ToDictionary(i => i.StaffId, i => i.Token);
        var outbox = await app.DbAsync(db => db.Set<Cordon.Platform.Notifications.OutboxMessage>()
            .Where(m => m.Channel == Cordon.Platform.Notifications.OutboxDispatcher.WeCom && m.DedupeKey.StartsWith($"callup:{id}:")).ToListAsync());
        var team = Assert.Single(outbox, m => m.Target == teamUrl);
        Assert.Contains(tokens[police.Id], team.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens[committee.Id], team.Body, StringComparison.Ordinal);
        Assert.Contains(tokens[committee.Id], Assert.Single(outbox, m => m.Target == fixture.Robot.Url).Body, StringComparison.Ordinal);
        var audit = await app.DbAsync(db => db.AuditLog.Where(a => a.EntityType == nameof(TeamRobot) && a.EntityId == "民警").ToListAsync());
        Assert.DoesNotContain(audit, a => a.Changes != null && a.Changes.Contains("team=police", StringComparison.Ordinal));
    }
}
