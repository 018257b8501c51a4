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

/// <summary>One app for the notification tests (they run one after another): a fake clock and a local robot as the default.</summary>
public sealed class NotificationApp : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));

    public RobotReceiver Robot { get; private set; } = null!;

    public CordonApp App { get; private set; } = null!;

    public OutboxDispatcher Dispatcher => App.Services.GetRequiredService<OutboxDispatcher>();

    public async ValueTask InitializeAsync()
    {
        Robot = await RobotReceiver.StartAsync();
        App = new CordonApp { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(Clock) }
            .With("Cordon:Clock:Enabled", "false").With("Cordon:Notifications:WeComWebhook", Robot.Url).With("Cordon:Notifications:PublicBaseUrl", "https://cordon.example.cn");
        await App.InitializeAsync();
    }

    /// <summary>Sends whatever an earlier test left waiting (past every backoff), then lets the robot's minute pass.</summary>
    public async Task DrainAsync()
    {
        Clock.Advance(TimeSpan.FromMinutes(11));
        while (await Dispatcher.DispatchAsync(CancellationToken.None) > 0)
        {
            Clock.Advance(TimeSpan.FromSeconds(61));
        }

        Clock.Advance(TimeSpan.FromSeconds(61));
    }

    public Task<Guid> BuildingAsync() => App.DbAsync(db => db.Residents.Where(r => r.Status == ResidenceStatus.Resident).Select(r => r.BuildingId).FirstAsync());

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Robot.DisposeAsync();
    }
}

/// <summary>The outbox and the WeCom robot channel (issue 11), against a local robot speaking WeCom's format.</summary>
public sealed partial class NotificationTests(NotificationApp fixture) : IClassFixture<NotificationApp>
{
    [Fact]
    public async Task TheRobotGetsMarkdownAtMostTwentyAMinuteWithRetriesAndNoPersonalData()
    {
        var (app, robot, clock, dispatcher) = (fixture.App, fixture.Robot, fixture.Clock, fixture.Dispatcher);
        await fixture.DrainAsync();
        var start = robot.Received.Count;
        var commander = await app.ApiAsync("commander");
        var building = await fixture.BuildingAsync();

        // A name carrying a phone number: it never reaches the group chat.
        var first = await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "国权东路88弄 联系13812345678", level = "sealed", buildingIds = new[] { building } });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // WeCom is down (HTTP 500), then over its limit (errcode 45009): retried with backoff, sent once.
        robot.FailNext(500);
        robot.RefuseNext(45009, "api freq out of limit");
        Assert.Equal(0, await dispatcher.DispatchAsync(CancellationToken.None));
        Assert.Equal(start + 1, robot.Received.Count);
        Assert.Equal(0, await dispatcher.DispatchAsync(CancellationToken.None));
        Assert.Equal(start + 1, robot.Received.Count);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await dispatcher.DispatchAsync(CancellationToken.None));
        Assert.Equal(start + 2, robot.Received.Count);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await dispatcher.DispatchAsync(CancellationToken.None));
        Assert.Equal(start + 3, robot.Received.Count);
        Assert.Equal(0, await dispatcher.DispatchAsync(CancellationToken.None));

        var message = robot.Received.Last().RootElement;
        Assert.Equal("markdown", message.GetProperty("msgtype").GetString());
        var content = message.GetProperty("markdown").GetProperty("content").GetString()!;
        Assert.Contains("新封控：国权东路88弄", content, StringComparison.Ordinal);
        Assert.Contains("](https://cordon.example.cn/Lockdowns/Details?id=", content, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", content, StringComparison.Ordinal);
        var outbox = await app.DbAsync(db => db.Outbox.SingleAsync(m => m.DedupeKey == $"lockdown:{firstId}:ordered"));
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
        Assert.All(robot.Received.Skip(start), d => Assert.DoesNotMatch(LongNumber(), Link().Replace(d.RootElement.GetProperty("markdown").GetProperty("content").GetString()!, "")));
    }

    [Fact]
    public async Task TheBellCountsOnlyTheCallersUnreadMessages()
    {
        var app = fixture.App;
        var commander = await app.ApiAsync("commander");
        var staff = await app.ApiAsync("staff");
        var building = await fixture.BuildingAsync();
        var name = "铃铛" + Guid.NewGuid().ToString("N")[..4];
        Assert.Equal(HttpStatusCode.Created, (await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name, level = "sealed", buildingIds = new[] { building } })).StatusCode);

        bool Mentions(JsonElement n) => n.GetProperty("title").GetString()!.Contains(name, StringComparison.Ordinal);
        var note = Assert.Single((await staff.GetFromJsonAsync<List<JsonElement>>("/api/v1/notifications"))!, Mentions);
        Assert.False(note.GetProperty("read").GetBoolean());
        var id = note.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/v1/notifications/{id}/read", null)).StatusCode);
        Assert.True(Assert.Single((await staff.GetFromJsonAsync<List<JsonElement>>("/api/v1/notifications"))!, Mentions).GetProperty("read").GetBoolean());

        // Another user's message is not found, and stays unread.
        var theirs = Assert.Single((await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/notifications"))!, Mentions).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync($"/api/v1/notifications/{theirs}/read", null)).StatusCode);
        Assert.False(Assert.Single((await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/notifications"))!, Mentions).GetProperty("read").GetBoolean());

        // The bell on the page: everything read, then one new message: its count beside the menu entry; opening it
        // reads it and follows its link.
        var pages = await app.PagesAsync("staff");
        Assert.Equal(HttpStatusCode.Redirect, (await pages.SubmitAsync("/Notifications", [], "form[action*='handler=ReadAll']")).StatusCode);
        Assert.Null((await pages.PageAsync("/Notifications")).QuerySelector("nav a[href='/Notifications'] .badge"));
        Assert.Equal(HttpStatusCode.Created, (await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = name + "第二栋", level = "controlled", buildingIds = new[] { building } })).StatusCode);
        var page = await pages.PageAsync("/Notifications");
        Assert.Equal("1", page.QuerySelector("nav a[href='/Notifications'] .badge")?.TextContent.Trim());
        Assert.Contains($"新封控：{name}第二栋", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        var opened = await pages.SubmitAsync("/Notifications", [], "form[action*='handler=Open']");
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        Assert.StartsWith("/Lockdowns/Details?id=", opened.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Null((await pages.PageAsync("/Notifications")).QuerySelector("nav a[href='/Notifications'] .badge"));
    }

    [Fact]
    public async Task ASubdistrictsAdminSetsItsOwnRobotAndTestsIt()
    {
        var app = fixture.App;
        await using var own = await RobotReceiver.StartAsync();
        var admin = await app.PagesAsync("admin");
        var page = await admin.PageAsync("/Admin/Robot");
        Assert.Contains("默认机器人", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("key=test-robot", page.DocumentElement.OuterHtml, StringComparison.Ordinal);

        foreach (var bad in new[] { "javascript:alert(1)", "http://example.com/hook", "https://qyapi.weixin.qq.com/send?key=a b" })
        {
            var refused = await admin.SubmitAsync("/Admin/Robot", new() { ["Webhook"] = bad }, "form[action*='handler=Save']");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("https://", (await PageClient.ParseAsync(await refused.Content.ReadAsStringAsync())).QuerySelector(".alert.bad")!.TextContent, StringComparison.Ordinal);
        }

        Assert.Equal(0, await app.DbAsync(db => db.Set<RobotSetting>().CountAsync()));
        try
        {
            await fixture.DrainAsync();
            var before = fixture.Robot.Received.Count;
            Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync("/Admin/Robot", new() { ["Webhook"] = own.Url }, "form[action*='handler=Save']")).StatusCode);
            Assert.Contains("本街道的机器人", (await admin.PageAsync("/Admin/Robot")).QuerySelector("main")!.TextContent, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync("/Admin/Robot", [], "form[action*='handler=Test']")).StatusCode);
            Assert.Equal(1, await fixture.Dispatcher.DispatchAsync(CancellationToken.None));
            Assert.Contains("测试消息", Assert.Single(own.Received).RootElement.GetProperty("markdown").GetProperty("content").GetString()!, StringComparison.Ordinal);
            Assert.Equal(before, fixture.Robot.Received.Count);
        }
        finally
        {
            await admin.SubmitAsync("/Admin/Robot", [], "form[action*='handler=Clear']");
        }

        Assert.Equal(0, await app.DbAsync(db => db.Set<RobotSetting>().CountAsync()));

        // Others may not: a commander is sent to the access-denied page.
        var denied = (await (await app.PagesAsync("commander")).GetAsync("/Admin/Robot")).Response;
        Assert.Equal(HttpStatusCode.Found, denied.StatusCode);
        Assert.Contains("Denied", denied.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\(https://cordon\.example\.cn/Lockdowns/Details\?id=[0-9a-f-]{36}\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\d{7,}")]
    private static partial Regex LongNumber();
}
