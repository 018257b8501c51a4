using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Lockdowns;
using Cordon.Features.Testing;
using Cordon.Platform.Clock;
using Cordon.Platform.People;
using Cordon.Tests.Features.Testing;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cordon.Tests.Features.Lockdowns;

/// <summary>
/// The seed's night on a fake clock (issue 11): the phone rings at 02:10, the order is typed at 02:25, the leader is
/// on site at 02:33, tracing closes at 04:05, the sweep is late, a positive on day 9 moves the unlock, unlock is
/// refused and then allowed, every entrance is disinfected, the lockdown is closed. Every state and alert is
/// asserted, and nothing is alerted twice.
/// </summary>
public sealed class LockdownNightTests : IAsyncLifetime
{
    // 2026-12-01 02:25 in Shanghai.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 18, 25, 0, TimeSpan.Zero));
    private CordonApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _app = new CordonApp { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(_clock) }.With("Cordon:Clock:Enabled", "false");
        await _app.InitializeAsync();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static DateTime Local(int day, int hour, int minute, int second = 0) => new DateTimeOffset(2026, 12, day, hour, minute, second, TimeSpan.FromHours(8)).UtcDateTime;

    private void At(int day, int hour, int minute, int second = 0) => _clock.SetUtcNow(Local(day, hour, minute, second));

    private Task<int> TickAsync() => _app.Services.GetRequiredService<DeadlineWatcher>().TickAsync(CancellationToken.None);

    [Fact]
    public async Task TheSeedsNightFromOrderToClose()
    {
        var building = await SmallBuildingAsync();
        var commander = await _app.ApiAsync("commander");
        var created = await commander.PostAsJsonAsync("/api/v1/lockdowns", new
        {
            name = "政立路580弄 封控",
            level = "sealed",
            buildingIds = new[] { building.Id },
            receivedAt = "2026-12-01T02:10:00+08:00",
            orderedBy = "区指挥部 王",
            reason = "密接者居住",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var order = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = order.GetProperty("id").GetGuid();
        Assert.Equal("ordered", order.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, order.GetProperty("testingSeriesId").ValueKind);
        var milestones = order.GetProperty("milestones").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!);
        Assert.Equal(Local(1, 2, 30), milestones["arrive"].GetProperty("dueAt").GetDateTime().ToUniversalTime());
        Assert.Equal(Local(1, 4, 10), milestones["tracing"].GetProperty("dueAt").GetDateTime().ToUniversalTime());
        Assert.Equal(Local(1, 5, 40), milestones["sweep_ready"].GetProperty("dueAt").GetDateTime().ToUniversalTime());

        // Typed at 02:25: three quarters of the 20 minutes are gone, so "arrive" is at warning already, alerted once.
        Assert.Equal("warning", milestones["arrive"].GetProperty("state").GetString());
        Assert.Equal(["arrive:warning"], await OpenAlertsAsync(commander));
        Assert.Equal(0, await TickAsync());

        // The sealing made its testing series: two rounds within 48 hours over the sealed building.
        var series = order.GetProperty("testingSeriesId").GetGuid();
        var rounds = await _app.DbAsync(db => db.TestingRounds.Where(r => r.SeriesId == series).OrderBy(r => r.StartsAt).ToListAsync());
        Assert.Equal(2, rounds.Count);
        Assert.All(rounds, r => Assert.Equal(RoundRule.TwoWithin48Hours, r.Rule));
        Assert.True(rounds[1].EndsAt - rounds[0].StartsAt <= TimeSpan.FromHours(48));

        At(1, 2, 31);
        Assert.Equal(1, await TickAsync());
        Assert.Equal(["arrive:overdue"], await OpenAlertsAsync(commander));

        // The leader checks in on site: arrive is done by evidence, the lockdown is active, its alert closes.
        At(1, 2, 33);
        var checkedIn = await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/checkin", new { });
        Assert.Equal(HttpStatusCode.OK, checkedIn.StatusCode);
        var view = await checkedIn.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal("done", Milestone(view, "arrive").GetProperty("state").GetString());
        Assert.Equal(Local(1, 2, 33), Milestone(view, "arrive").GetProperty("doneAt").GetDateTime().ToUniversalTime());
        Assert.Empty(await OpenAlertsAsync(commander));

        // The checklist, ticked with who and when.
        var ticked = await (await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/checklist/notice", new { })).Content.ReadFromJsonAsync<JsonElement>();
        var notice = ticked.GetProperty("checklist").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "notice");
        Assert.True(notice.GetProperty("done").GetBoolean());
        Assert.Equal("张贴告示", notice.GetProperty("label").GetString());
        Assert.Equal(6, ticked.GetProperty("checklist").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/checklist/nonsense", new { })).StatusCode);

        At(1, 3, 40);
        Assert.Equal(1, await TickAsync());
        Assert.Equal(["tracing:warning"], await OpenAlertsAsync(commander));
        At(1, 4, 5);
        var traced = await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/milestones/tracing/done", new { note = "密接 12 人已转运" });
        Assert.Equal("done", Milestone(await traced.Content.ReadFromJsonAsync<JsonElement>(), "tracing").GetProperty("state").GetString());
        Assert.Empty(await OpenAlertsAsync(commander));

        // The sweep is late: warning, overdue at 05:40, escalated to the commander at 06:32:30.
        At(1, 4, 50);
        Assert.Equal(1, await TickAsync());
        At(1, 5, 40);
        Assert.Equal(1, await TickAsync());
        Assert.Equal(["sweep_ready:overdue"], await OpenAlertsAsync(commander));
        At(1, 6, 32, 29);
        Assert.Equal(0, await TickAsync());
        At(1, 6, 32, 30);
        Assert.Equal(1, await TickAsync());
        Assert.Equal(0, await TickAsync());
        Assert.Equal(["sweep_ready:escalated"], await OpenAlertsAsync(commander));
        var bell = await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/notifications");
        Assert.Single(bell!, n => n.GetProperty("title").GetString()!.Contains("扫楼准备就绪", StringComparison.Ordinal) && n.GetProperty("title").GetString()!.Contains("严重超时", StringComparison.Ordinal));

        // The first series round opens: evidence for testing_started, closed by the clock.
        At(1, 6, 35);
        (await commander.PostAsync($"/api/v1/testing/rounds/{rounds[0].Id}/open", null)).EnsureSuccessStatusCode();
        await TickAsync();
        var afterOpen = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{id}");
        Assert.Equal("done", Milestone(afterOpen, "testing_started").GetProperty("state").GetString());
        Assert.Equal(Local(1, 6, 35), Milestone(afterOpen, "testing_started").GetProperty("doneAt").GetDateTime().ToUniversalTime());

        // Day 1: the whole building sampled in the series round, all negative. The unlock waits for the planned days.
        At(1, 7, 0);
        await SampleEveryoneAsync(commander, rounds[0].Id, building.Id, negative: true, exempt: null);
        At(1, 12, 0);
        commander = await _app.ApiAsync("commander");
        await TickAsync();
        var day1 = (await commander.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{id}")).GetProperty("unlock");
        Assert.False(day1.GetProperty("eligible").GetBoolean());
        Assert.Equal(Local(15, 2, 10), day1.GetProperty("earliestAt").GetDateTime().ToUniversalTime());
        Assert.Equal(["quiet_period"], Codes(day1));

        // Day 9: a positive single tube in the sealed building restarts the count, and says so once.
        At(9, 10, 0);
        commander = await _app.ApiAsync("commander");
        var positive = await PositiveAsync(commander, building.Id);
        At(9, 10, 1);
        await TickAsync();
        await TickAsync();
        var day9 = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{id}");
        var earliest = day9.GetProperty("unlock").GetProperty("earliestAt").GetDateTime().ToUniversalTime();
        Assert.True(earliest >= Local(23, 10, 0) && earliest <= Local(23, 10, 1), $"earliest unlock {earliest:O}");
        Assert.Contains("new_positive", Codes(day9.GetProperty("unlock")));
        Assert.Single(day9.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "positive");

        // Day 20: refused, with the blockers; nothing changes.
        At(20, 9, 0);
        commander = await _app.ApiAsync("commander");
        var refused = await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/unlock", new { @override = false });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unlock_blocked", problem.GetProperty("code").GetString());
        var blockers = problem.GetProperty("details").GetProperty("blockers").EnumerateArray().Select(b => b.GetProperty("code").GetString()).ToList();
        Assert.Equal(["new_positive", "no_clean_round"], blockers);
        Assert.Equal(LockdownStatus.Active, await _app.DbAsync(db => db.Lockdowns.Where(l => l.Id == id).Select(l => l.Status).SingleAsync()));

        // A staff member runs the lockdown but may not unlock it.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await _app.ApiAsync("staff")).PostAsJsonAsync($"/api/v1/lockdowns/{id}/unlock", new { })).StatusCode);

        // Day 22: a full round of the sealed building, all negative (the positive resident is exempt: in hospital care).
        At(22, 12, 0);
        commander = await _app.ApiAsync("commander");
        var last = await RoundAsync(commander, building.Id, "解封前全员核酸", 10);
        await SampleEveryoneAsync(commander, last, building.Id, negative: true, exempt: positive);
        At(23, 9, 0);
        commander = await _app.ApiAsync("commander");
        await TickAsync();
        var stillQuiet = await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/unlock", new { });
        Assert.Equal(HttpStatusCode.Conflict, stillQuiet.StatusCode);
        Assert.Equal(["new_positive"], (await stillQuiet.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("details").GetProperty("blockers").EnumerateArray().Select(b => b.GetProperty("code").GetString()).ToList());

        At(23, 10, 30);
        await TickAsync();
        var board = await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/lockdowns?status=active");
        Assert.True(board!.Single(l => l.GetProperty("id").GetGuid() == id).GetProperty("unlock").GetProperty("eligible").GetBoolean());
        var unlocked = await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/unlock", new { });
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        var afterUnlock = await unlocked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unlocked", afterUnlock.GetProperty("status").GetString());
        Assert.Equal("cancelled", Milestone(afterUnlock, "sweep_ready").GetProperty("state").GetString());
        Assert.Empty(await OpenAlertsAsync(commander));

        // Closing waits for every sealed entrance's disinfection.
        var early = await commander.PostAsync($"/api/v1/lockdowns/{id}/close", null);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        var missing = await early.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("disinfection_missing", missing.GetProperty("code").GetString());
        Assert.Equal(Math.Max(1, building.Entrances), missing.GetProperty("details").GetProperty("missing").GetArrayLength());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/disinfections", new { buildingId = building.Id, entrance = building.Entrances + 1, agent = "含氯消毒剂", areas = "楼道" })).StatusCode);
        At(23, 15, 0);
        for (var entrance = 1; entrance <= Math.Max(1, building.Entrances); entrance++)
        {
            var record = new { id = Guid.NewGuid(), buildingId = building.Id, entrance, agent = "含氯消毒剂 500mg/L", areas = "楼道、电梯、门把手" };
            Assert.Equal(HttpStatusCode.Created, (await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/disinfections", record)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await commander.PostAsJsonAsync($"/api/v1/lockdowns/{id}/disinfections", record)).StatusCode);
        }

        Assert.Equal(Math.Max(1, building.Entrances), await _app.DbAsync(db => db.Set<Disinfection>().CountAsync(d => d.LockdownId == id)));
        var closed = await commander.PostAsync($"/api/v1/lockdowns/{id}/close", null);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var final = await closed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("closed", final.GetProperty("status").GetString());
        var kinds = final.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).Distinct().ToList();
        Assert.Equal(["ordered", "active", "milestone", "checklist", "positive", "unlocked", "disinfection", "disinfected", "closed"], kinds);

        // Every alert of the night, each once.
        var alerts = (await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/alerts"))!
            .Where(a => a.GetProperty("lockdownId").GetGuid() == id)
            .Select(a => a.GetProperty("key").GetString() + ":" + a.GetProperty("state").GetString()).Order().ToList();
        Assert.Equal(
            ["arrive:overdue", "arrive:warning", "sweep_ready:escalated", "sweep_ready:overdue", "sweep_ready:warning", "tracing:warning"],
            alerts);
        var notifications = await _app.DbAsync(db => db.Notifications.GroupBy(n => new { n.UserId, n.DedupeKey }).Select(g => g.Count()).ToListAsync());
        Assert.All(notifications, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task TwoNodesWatchingOneDatabaseAlertOnce()
    {
        var building = await SmallBuildingAsync();
        var commander = await _app.ApiAsync("commander");
        var order = await (await commander.PostAsJsonAsync("/api/v1/lockdowns", new
        {
            name = "两节点",
            level = "controlled",
            buildingIds = new[] { building.Id },
            receivedAt = "2026-12-01T02:20:00+08:00",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var id = order.GetProperty("id").GetGuid();

        await using var second = new CordonApp { Reuse = _app.Database, ConfigureTestServices = s => s.AddSingleton<TimeProvider>(_clock) }
            .With("Cordon:Clock:Enabled", "false").With("Cordon:Clock:NodeName", "node-b");
        await second.InitializeAsync();
        var watchers = new[] { _app.Services.GetRequiredService<DeadlineWatcher>(), second.Services.GetRequiredService<DeadlineWatcher>() };

        // 02:40: arrive overdue (due 02:40), tracing still open; both nodes tick together, again and again.
        At(1, 2, 40);
        var raised = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => watchers[i % 2].TickAsync(CancellationToken.None)));
        Assert.Equal(1, raised.Sum());
        Assert.Equal(1, await _app.DbAsync(db => db.Alerts.CountAsync(a => a.SubjectId == id && a.Key == "arrive" && a.State == DeadlineState.Overdue)));
    }

    private static JsonElement Milestone(JsonElement view, string key) =>
        view.GetProperty("milestones").EnumerateArray().Single(m => m.GetProperty("key").GetString() == key);

    private static List<string> Codes(JsonElement unlock) => [.. unlock.GetProperty("blockers").EnumerateArray().Select(b => b.GetProperty("code").GetString()!)];

    private static async Task<List<string>> OpenAlertsAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<List<JsonElement>>("/api/v1/alerts?open=true"))!.Select(a => a.GetProperty("key").GetString() + ":" + a.GetProperty("state").GetString())];

    private sealed record SmallBuilding(Guid Id, int Entrances);

    /// <summary>A building with a handful of residents, so sampling all of them stays quick.</summary>
    private Task<SmallBuilding> SmallBuildingAsync() => _app.DbAsync(async db =>
    {
        var counts = await db.Residents.Where(r => r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant)
            .GroupBy(r => r.BuildingId).Select(g => new { g.Key, Count = g.Count() }).Where(g => g.Count >= 4).OrderBy(g => g.Count).FirstAsync();
        var building = await db.Buildings.SingleAsync(b => b.Id == counts.Key);
        return new SmallBuilding(building.Id, building.Entrances);
    });

    private async Task<Guid> RoundAsync(HttpClient commander, Guid building, string name, int pool)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name, buildingIds = new[] { building }, poolSize = pool, startsAt = now, endsAt = now.AddHours(12) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var round = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await commander.PostAsync($"/api/v1/testing/rounds/{round}/open", null)).EnsureSuccessStatusCode();
        return round;
    }

    /// <summary>Samples every resident of the building in tens (one exempt if named), seals the tubes, reports them negative.</summary>
    private async Task SampleEveryoneAsync(HttpClient commander, Guid round, Guid building, bool negative, Guid? exempt)
    {
        var people = await _app.DbAsync(db => db.Residents.Where(r => r.BuildingId == building && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant))
            .OrderBy(r => r.SamplingCode).Select(r => new { r.Id, r.SamplingCode }).ToListAsync());
        if (exempt is { } person)
        {
            (await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/exemptions", new { residentId = person, kind = "positive", note = "已转运" })).EnsureSuccessStatusCode();
        }

        var now = _clock.GetUtcNow().UtcDateTime;
        var tubes = new List<string>();
        foreach (var (p, i) in people.Where(p => p.Id != exempt).Select((p, i) => (p, i)))
        {
            if (i % 10 == 0)
            {
                tubes.Add(Sampling.Tube());
            }

            var answer = await Sampling.RegisterAsync(commander, round, p.SamplingCode, tubes[^1], extra: new { takenAt = now.ToString("O") });
            Assert.True(answer.StatusCode == HttpStatusCode.Created, await answer.Content.ReadAsStringAsync());
        }

        foreach (var tube in tubes)
        {
            (await commander.PostAsync($"/api/v1/sampling/tubes/{tube}/seal", null)).EnsureSuccessStatusCode();
        }

        var results = tubes.Select(t => new { tubeCode = t, result = negative ? "negative" : "positive", reportedAt = now.AddHours(4) }).ToArray();
        (await commander.PostAsJsonAsync("/api/v1/lab/results", results)).EnsureSuccessStatusCode();
    }

    /// <summary>One resident of the building, alone in a single tube of a new round, positive; their id.</summary>
    private async Task<Guid> PositiveAsync(HttpClient commander, Guid building)
    {
        var round = await RoundAsync(commander, building, "第9天 单采", 1);
        var person = await _app.DbAsync(db => db.Residents.Where(r => r.BuildingId == building && r.Status == ResidenceStatus.Resident).OrderBy(r => r.SamplingCode)
            .Select(r => new { r.Id, r.SamplingCode }).FirstAsync());
        var tube = Sampling.Tube();
        var now = _clock.GetUtcNow().UtcDateTime;
        Assert.Equal(HttpStatusCode.Created, (await Sampling.RegisterAsync(commander, round, person.SamplingCode, tube, extra: new { takenAt = now.ToString("O") })).StatusCode);
        (await commander.PostAsync($"/api/v1/sampling/tubes/{tube}/seal", null)).EnsureSuccessStatusCode();
        (await commander.PostAsJsonAsync("/api/v1/lab/results", new[] { new { tubeCode = tube, result = "positive", reportedAt = now } })).EnsureSuccessStatusCode();
        return person.Id;
    }
}
