using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cordon.Platform.Notifications;
using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cordon.Tests.Platform;

/// <summary>The outbox and the WeCom robot channel (issue 11), against a local robot speaking WeCom's format.</summary>
public sealed partial class NotificationTests
{
    [Fact]
    public async Task TheRobotGetsMarkdownAtMostTwentyAMinuteWithRetriesAndNoPersonalData()
    {
        await using var robot = await RobotReceiver.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        await using var app = new CordonApp { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(clock) }
            .With("Cordon:Clock:Enabled", "false").With("Cordon:Notifications:WeComWebhook", robot.Url).With("Cordon:Notifications:PublicBaseUrl", "https://cordon.example.cn");
        await app.InitializeAsync();
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var commander = await app.ApiAsync("commander");
        var building = await app.DbAsync(db => db.Residents.Where(r => r.Status == ResidenceStatus.Resident).Select(r => r.BuildingId).FirstAsync());

        // A name carrying a phone number: it never reaches the group chat.
        var first = await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "国权东路88弄 联系13812345678", level = "sealed", buildingIds = new[] { building } });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        // WeCom is down (HTTP 500), then over its limit (errcode 45009): retried with backoff, sent once.
        robot.FailNext(500);
        robot.RefuseNext(45009, "api freq out of limit");
        Assert.Equal(0, await dispatcher.DispatchAsync(CancellationToken.None));
        Assert.Single(robot.Received);
        Assert.Equal(0, await dispatcher.DispatchAsync(CancellationToken.None));
        Assert.Single(robot.Received);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await dispatcher.DispatchAsync(CancellationToken.None));
        Assert.Equal(2, robot.Received.Count);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await dispatcher.DispatchAsync(CancellationToken.None));
        Assert.Equal(3, robot.Received.Count);
        Assert.Equal(0, await dispatcher.DispatchAsync(CancellationToken.None));

        var message = robot.Received.Last().RootElement;
        Assert.Equal("markdown", message.GetProperty("msgtype").GetString());
        var content = message.GetProperty("markdown").GetProperty("content").GetString()!;
        Assert.Contains("新封控：国权东路88弄", content, StringComparison.Ordinal);
        Assert.Contains("](https://cordon.example.cn/Lockdowns/Details?id=", content, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", content, StringComparison.Ordinal);
        var outbox = await app.DbAsync(db => db.Outbox.SingleAsync());
        Assert.Equal((OutboxState.Sent, 3), (outbox.State, outbox.Attempts));

        // A burst of 30 lockdowns a minute later: 19 sent on their own and one digest of the other 11; then silence
        // until the minute has passed.
        clock.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = $"第{i + 1}栋", level = "controlled", buildingIds = new[] { building } })).StatusCode);
        }

        var before = robot.Received.Count;
        Assert.Equal(20, await dispatcher.DispatchAsync(CancellationToken.None));
        var burst = robot.Received.Skip(before).Select(d => d.RootElement.GetProperty("markdown").GetProperty("content").GetString()!).ToList();
        Assert.Equal(20, burst.Count);
        Assert.StartsWith("**Cordon · 11 条提醒 / alerts**", burst[^1], StringComparison.Ordinal);
        Assert.Equal(11, burst[^1].Split('\n').Count(l => l.StartsWith("> ", StringComparison.Ordinal)));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await dispatcher.DispatchAsync(CancellationToken.None));
        Assert.Equal(before + 20, robot.Received.Count);
        Assert.Equal(0, await app.DbAsync(db => db.Outbox.CountAsync(m => m.State == OutboxState.Pending)));

        // Nothing the robot received carries a run of seven digits (a phone, an ID number) outside its links' ids.
        Assert.All(robot.Received, d => Assert.DoesNotMatch(LongNumber(), Link().Replace(d.RootElement.GetProperty("markdown").GetProperty("content").GetString()!, "")));
    }

    [Fact]
    public async Task TheBellCountsOnlyTheCallersUnreadMessages()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        await using var app = new CordonApp { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(clock) }.With("Cordon:Clock:Enabled", "false");
        await app.InitializeAsync();
        var commander = await app.ApiAsync("commander");
        var staff = await app.ApiAsync("staff");
        var building = await app.DbAsync(db => db.Residents.Where(r => r.Status == ResidenceStatus.Resident).Select(r => r.BuildingId).FirstAsync());
        Assert.Equal(HttpStatusCode.Created, (await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "铃铛", level = "sealed", buildingIds = new[] { building } })).StatusCode);

        var mine = (await staff.GetFromJsonAsync<List<JsonElement>>("/api/v1/notifications"))!;
        var note = Assert.Single(mine);
        Assert.False(note.GetProperty("read").GetBoolean());
        var id = note.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/v1/notifications/{id}/read", null)).StatusCode);
        Assert.True(Assert.Single((await staff.GetFromJsonAsync<List<JsonElement>>("/api/v1/notifications"))!).GetProperty("read").GetBoolean());

        // Another user's message is not found, and stays unread.
        var theirs = (await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/notifications"))!.Single().GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync($"/api/v1/notifications/{theirs}/read", null)).StatusCode);
        Assert.False((await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/notifications"))!.Single().GetProperty("read").GetBoolean());

        // The bell on the page: the unread count beside the menu entry; opening a message reads it and follows its link.
        Assert.Equal(HttpStatusCode.Created, (await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "第二栋", level = "controlled", buildingIds = new[] { building } })).StatusCode);
        var pages = await app.PagesAsync("staff");
        var page = await pages.PageAsync("/Notifications");
        Assert.Equal("1", page.QuerySelector("nav a[href='/Notifications'] .badge")?.TextContent.Trim());
        Assert.Contains("新封控：第二栋", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        var opened = await pages.SubmitAsync("/Notifications", [], "form[action*='handler=Open']");
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.StartsWith("/Lockdowns/Details?id=", opened.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Null((await pages.PageAsync("/Notifications")).QuerySelector("nav a[href='/Notifications'] .badge"));
    }

    [Fact]
    public async Task ASubdistrictsAdminSetsItsOwnRobotAndTestsIt()
    {
        await using var robot = await RobotReceiver.StartAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));
        await using var app = new CordonApp { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(clock) }
            .With("Cordon:Clock:Enabled", "false").With("Cordon:Notifications:WeComWebhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=default-robot-key");
        await app.InitializeAsync();
        var admin = await app.PagesAsync("admin");
        var page = await admin.PageAsync("/Admin/Robot");
        Assert.Contains("…-key", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("default-robot-key", page.DocumentElement.OuterHtml, StringComparison.Ordinal);

        foreach (var bad in new[] { "javascript:alert(1)", "http://example.com/hook", "https://qyapi.weixin.qq.com/send?key=a b" })
        {
            var refused = await admin.SubmitAsync("/Admin/Robot", new() { ["Webhook"] = bad }, "form[action*='handler=Save']");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("https://", (await PageClient.ParseAsync(await refused.Content.ReadAsStringAsync())).QuerySelector(".alert.bad")!.TextContent, StringComparison.Ordinal);
        }

        Assert.Equal(0, await app.DbAsync(db => db.Set<RobotSetting>().CountAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync("/Admin/Robot", new() { ["Webhook"] = robot.Url }, "form[action*='handler=Save']")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync("/Admin/Robot", [], "form[action*='handler=Test']")).StatusCode);
        Assert.Equal(1, await app.Services.GetRequiredService<OutboxDispatcher>().DispatchAsync(CancellationToken.None));
        Assert.Contains("测试消息", Assert.Single(robot.Received).RootElement.GetProperty("markdown").GetProperty("content").GetString()!, StringComparison.Ordinal);

        // Others may not: a commander is refused the page.
        var denied = (await (await app.PagesAsync("commander")).GetAsync("/Admin/Robot")).Response;
        Assert.Equal(HttpStatusCode.Found, denied.StatusCode);
        Assert.Contains("Denied", denied.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\(https://cordon\.example\.cn/Lockdowns/Details\?id=[0-9a-f-]{36}\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\d{7,}")]
    private static partial Regex LongNumber();
}
