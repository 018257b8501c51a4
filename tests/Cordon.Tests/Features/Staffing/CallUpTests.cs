using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cordon.Features.Lockdowns;
using Cordon.Features.Staffing;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cordon.Tests.Features.Staffing;

/// <summary>One app for the call-up tests (they run one after another): a fake clock at 02:00 in Shanghai and a local WeCom robot.</summary>
public sealed class CallUpApp : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.FromHours(8)));

    public RobotReceiver Robot { get; private set; } = null!;

    public CordonApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Robot = await RobotReceiver.StartAsync();
        App = new CordonApp { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(Clock) }
            .With("Cordon:Clock:Enabled", "false").With("Cordon:Notifications:WeComWebhook", Robot.Url)
            .With("Cordon:Notifications:PublicBaseUrl", "https://cordon.example.cn");
        await App.InitializeAsync();
    }

    public Task<int> TickAsync() => App.Services.GetRequiredService<DeadlineWatcher>().TickAsync(CancellationToken.None);

    public OutboxDispatcher Dispatcher => App.Services.GetRequiredService<OutboxDispatcher>();

    /// <summary>
    /// A lockdown of one building, and a roster of exactly the given people (everyone else deactivated, so a test
    /// sees only its own rings). Returns the lockdown, its neighborhood and its site code.
    /// </summary>
    public async Task<(Guid Lockdown, Guid Neighborhood, string SiteCode)> LockdownAsync(HttpClient commander, string name)
    {
        var building = await App.DbAsync(db => db.Residents.Where(r => r.Status == ResidenceStatus.Resident)
            .Select(r => new { r.BuildingId, r.NeighborhoodId }).OrderBy(r => r.BuildingId).FirstAsync());
        var created = await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name, level = "sealed", buildingIds = new[] { building.BuildingId } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var view = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{id}");
        var siteCode = view.GetProperty("siteCode").GetString()!;
        Assert.Matches("^[A-Z0-9]{8}$", siteCode);
        return (id, building.NeighborhoodId, siteCode);
    }

    public async Task<List<Guid>> RosterAsync(params StaffMember[] people)
    {
        await App.DbAsync(async db =>
        {
            await db.Set<StaffMember>().ExecuteUpdateAsync(s => s.SetProperty(x => x.Active, false));
            await db.Set<DutyShift>().Where(d => d.EndedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, Clock.GetUtcNow().UtcDateTime.AddDays(-9)));
            var subdistrict = await db.Subdistricts.Select(s => s.Id).FirstAsync();
            foreach (var person in people)
            {
                person.SubdistrictId = subdistrict;
                person.Active = true;
                person.NightCallable = person.NightCallable || !person.Name.EndsWith('夜');
            }

            db.Set<StaffMember>().AddRange(people);
            await db.SaveChangesAsync();
        });
        return [.. people.Select(p => p.Id)];
    }

    private static int MobileCounter = 1000;

    public static StaffMember Person(string name, StaffRoles roles, Guid? neighborhood, int travel) => new()
    {
        Name = name,
        Mobile = "1370000" + Interlocked.Increment(ref MobileCounter).ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
        Organisation = "居委",
        Roles = roles,
        NeighborhoodId = neighborhood,
        TravelMinutes = travel,
    };

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Robot.DisposeAsync();
    }
}

/// <summary>Call-ups on a fake clock (issue 12): rings by quota, one-tap answers, arrival on site, fatigue, the robot.</summary>
public sealed partial class CallUpTests(CallUpApp fixture) : IClassFixture<CallUpApp>
{
    private static readonly object[] LeaderAndSweepers = [new { role = "leader", count = 1 }, new { role = "sweeper", count = 16 }];

    [Fact]
    public async Task SixteenSweepersAreCalledRingByRingUntilCoveredAndNobodyMore()
    {
        var (app, clock) = (fixture.App, fixture.Clock);
        var commander = await app.ApiAsync("commander");
        var (lockdown, neighborhood, siteCode) = await fixture.LockdownAsync(commander, "国定路 调度测试");
        var ring1 = Enumerable.Range(1, 10).Select(i => CallUpApp.Person($"近{i:D2}", StaffRoles.Sweeper, neighborhood, 5 + i)).ToArray();
        var resting = CallUpApp.Person("近休息", StaffRoles.Sweeper, neighborhood, 3);
        var sleepy = CallUpApp.Person("近不叫夜", StaffRoles.Sweeper, neighborhood, 4);
        var leader = CallUpApp.Person("带队甲", StaffRoles.Leader | StaffRoles.Sweeper, neighborhood, 8);
        var ring2 = Enumerable.Range(1, 12).Select(i => CallUpApp.Person($"中{i:D2}", StaffRoles.Sweeper, null, 15 + i)).ToArray();
        var ring3 = Enumerable.Range(1, 5).Select(i => CallUpApp.Person($"远{i:D2}", StaffRoles.Sweeper, null, 45)).ToArray();
        await fixture.RosterAsync([.. ring1, resting, sleepy, leader, .. ring2, .. ring3]);
        var now = clock.GetUtcNow().UtcDateTime;
        await app.DbAsync(async db =>
        {
            // Off duty two hours ago after a ten-hour shift: resting for six more hours.
            db.Set<DutyShift>().Add(new DutyShift { SubdistrictId = resting.SubdistrictId, StaffId = resting.Id, StartedAt = now.AddHours(-12), EndedAt = now.AddHours(-2) });
            await db.SaveChangesAsync();
        });

        var preview = await commander.PostAsJsonAsync("/api/v1/callups/preview", new { lockdownId = lockdown, reportTo = "国定路小区东门", needs = LeaderAndSweepers });
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var proposal = await preview.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(proposal.GetProperty("night").GetBoolean());
        Assert.Equal(5, proposal.GetProperty("waitMinutes").GetInt32());
        var notProposed = proposal.GetProperty("needs")[1].GetProperty("notProposed").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("why").GetString());
        Assert.Equal("resting", notProposed["近休息"]);
        Assert.Equal("night", notProposed["近不叫夜"]);
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.EntityId == "callup-proposal" && a.UserName == "commander")));

        var response = await commander.PostAsJsonAsync("/api/v1/callups", new { lockdownId = lockdown, reportTo = "国定路小区东门", needs = LeaderAndSweepers, message = "穿好防护服" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var callUp = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = callUp.GetProperty("id").GetGuid();
        var invited = Invitations(callUp);
        Assert.Equal([leader.Id], invited.Where(i => i.Role == "leader").Select(i => i.StaffId));
        Assert.Equal(ring1.Select(p => p.Id).Order(), invited.Where(i => i.Role == "sweeper").Select(i => i.StaffId).Order());
        Assert.All(invited, i => Assert.Equal(1, i.Ring));
        Assert.DoesNotContain(invited, i => i.StaffId == resting.Id || i.StaffId == sleepy.Id);
        Assert.All(invited, i => Assert.Matches("^[a-z]{26}$", i.Token));

        // Six of ring 1 are coming; the others sleep through it.
        var anon = app.CreateClient();
        foreach (var i in invited.Where(i => i.Role == "sweeper").Take(6))
        {
            var answer = await anon.PostAsJsonAsync($"/api/v1/callups/respond/{i.Token}", new { answer = "coming", etaMinutes = 20 });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // A retried answer counts once.
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/respond/{invited[1].Token}", new { answer = "coming", etaMinutes = 20 })).StatusCode);
        var needs = Needs(await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}"));
        Assert.Equal((16, 6, 0), needs["sweeper"]);

        clock.Advance(TimeSpan.FromMinutes(4));
        await fixture.TickAsync();
        Assert.Equal(11, Invitations(await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}")).Count);

        // The wait is over: ring 2 (within half an hour) is called, and only ring 2.
        clock.Advance(TimeSpan.FromMinutes(1));
        await fixture.TickAsync();
        invited = Invitations(await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}"));
        var second = invited.Where(i => i.Ring == 2).ToList();
        Assert.Equal(ring2.Select(p => p.Id).Order(), second.Select(i => i.StaffId).Order());
        Assert.DoesNotContain(invited, i => ring3.Any(p => p.Id == i.StaffId));

        foreach (var i in second.Take(10))
        {
            Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/respond/{i.Token}", new { answer = "coming", etaMinutes = 35 })).StatusCode);
        }

        // Sixteen are coming: whoever has not answered is stood down, and no later ring is called.
        var view = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}");
        Assert.Equal((16, 16, 0), Needs(view)["sweeper"]);
        invited = Invitations(view);
        Assert.Equal(6, invited.Count(i => i.Role == "sweeper" && i.State == "stood_down"));
        clock.Advance(TimeSpan.FromMinutes(10));
        await fixture.TickAsync();
        invited = Invitations(await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}"));
        Assert.DoesNotContain(invited, i => ring3.Any(p => p.Id == i.StaffId));
        Assert.Equal(23, invited.Count);

        var late = invited.First(i => i.State == "stood_down");
        var refused = await anon.PostAsJsonAsync($"/api/v1/callups/respond/{late.Token}", new { answer = "coming", etaMinutes = 10 });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("callup_quota_met", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // The leader arrives: a wrong code is refused; the site's code records the arrival and closes `arrive`.
        var leaderToken = invited.Single(i => i.Role == "leader").Token;
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/respond/{leaderToken}", new { answer = "coming", etaMinutes = 15 })).StatusCode);
        var wrong = await anon.PostAsJsonAsync($"/api/v1/callups/arrive/{leaderToken}", new { siteCode = "WRONG123" });
        Assert.Equal("callup_site_code_wrong", (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var milestone = await ArriveMilestoneAsync(commander, lockdown);
        Assert.NotEqual("done", milestone);
        clock.Advance(TimeSpan.FromMinutes(3));
        var arrived = await anon.PostAsJsonAsync($"/api/v1/callups/arrive/{leaderToken}", new { siteCode = $"https://cordon.example.cn/c/site/{siteCode.ToLowerInvariant()}" });
        Assert.Equal(HttpStatusCode.OK, arrived.StatusCode);
        Assert.Equal("done", await ArriveMilestoneAsync(commander, lockdown));
        var lockdownView = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{lockdown}");
        Assert.Equal("active", lockdownView.GetProperty("status").GetString());

        var sweeper = invited.First(i => i.Role == "sweeper" && i.State == "coming");
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/arrive/{sweeper.Token}", new { siteCode })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/arrive/{sweeper.Token}", new { siteCode })).StatusCode);
        view = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}");
        Assert.Equal((16, 16, 1), Needs(view)["sweeper"]);
        Assert.Equal((1, 1, 1), Needs(view)["leader"]);

        // An hour on: the sweepers of ring 2 (ETA 35 minutes) who are not there are late.
        clock.Advance(TimeSpan.FromMinutes(50));
        view = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}");
        Assert.Equal(10, view.GetProperty("invitations").EnumerateArray().Count(i => i.GetProperty("ring").GetInt32() == 2 && i.GetProperty("late").GetBoolean()));
        Assert.False(view.GetProperty("invitations").EnumerateArray().Single(i => i.GetProperty("staffId").GetGuid() == sweeper.StaffId).GetProperty("late").GetBoolean());

        // The leader signs off a team member; a member cannot sign off anyone else.
        var other = invited.First(i => i.Role == "sweeper" && i.State == "coming" && i.StaffId != sweeper.StaffId);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/arrive/{other.Token}", new { siteCode })).StatusCode);
        var notYours = await anon.PostAsJsonAsync($"/api/v1/callups/signoff/{other.Token}", new { staffId = sweeper.StaffId });
        Assert.Equal(HttpStatusCode.Forbidden, notYours.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/signoff/{leaderToken}", new { staffId = sweeper.StaffId })).StatusCode);
        var fatigue = await commander.GetFromJsonAsync<JsonElement>("/api/v1/staff/fatigue");
        var states = fatigue.EnumerateArray().ToDictionary(f => f.GetProperty("staffId").GetGuid(), f => f.GetProperty("state").GetString());
        Assert.Equal("resting", states[sweeper.StaffId]);
        Assert.Equal("on_duty", states[other.StaffId]);
        Assert.Equal("on_duty", states[leader.Id]);

        // A sweep of the lockdown takes its team from who is on site: the leader first, the sweeper still on duty,
        // not the one signed off (Platform/Sites/ISiteCrew; Sweeps does not know call-ups).
        var sweep = await commander.PostAsJsonAsync("/api/v1/sweeps", new { lockdownId = lockdown, teams = 1 });
        Assert.Equal(HttpStatusCode.Created, sweep.StatusCode);
        var members = (await sweep.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("teams")[0].GetProperty("members").GetString()!;
        var names = await app.DbAsync(db => db.Set<StaffMember>().Where(s => s.Id == other.StaffId || s.Id == sweeper.StaffId).ToDictionaryAsync(s => s.Id, s => s.Name));
        Assert.StartsWith("带队甲", members, StringComparison.Ordinal);
        Assert.Contains(names[other.StaffId], members, StringComparison.Ordinal);
        Assert.DoesNotContain(names[sweeper.StaffId], members, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOverrideNeedsAReasonAndIsAudited()
    {
        var (app, clock) = (fixture.App, fixture.Clock);
        var commander = await app.ApiAsync("commander");
        var (lockdown, neighborhood, _) = await fixture.LockdownAsync(commander, "国定路 超时测试");
        var tired = CallUpApp.Person("累乙", StaffRoles.Sampler, neighborhood, 5);
        var fresh = CallUpApp.Person("新丙", StaffRoles.Sampler, neighborhood, 6);
        await fixture.RosterAsync(tired, fresh);
        var now = clock.GetUtcNow().UtcDateTime;
        await app.DbAsync(async db =>
        {
            // Thirteen hours on duty in the last day: over the limit.
            db.Set<DutyShift>().Add(new DutyShift { SubdistrictId = tired.SubdistrictId, StaffId = tired.Id, StartedAt = now.AddHours(-14), EndedAt = now.AddHours(-1) });
            await db.SaveChangesAsync();
        });

        var response = await commander.PostAsJsonAsync("/api/v1/callups", new { lockdownId = lockdown, reportTo = "东门", needs = new[] { new { role = "sampler", count = 1 } } });
        var callUp = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = callUp.GetProperty("id").GetGuid();
        Assert.Equal([fresh.Id], Invitations(callUp).Select(i => i.StaffId));

        var fatigue = (await commander.GetFromJsonAsync<JsonElement>("/api/v1/staff/fatigue")).EnumerateArray().Single(f => f.GetProperty("staffId").GetGuid() == tired.Id);
        Assert.Equal("over_limit", fatigue.GetProperty("state").GetString());
        Assert.Equal(13, fatigue.GetProperty("hours24").GetDouble());

        var refused = await commander.PostAsJsonAsync($"/api/v1/callups/{id}/invite", new { staffId = tired.Id, role = "sampler" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("callup_override_reason_missing", problem.GetProperty("code").GetString());
        Assert.Contains("理由", problem.GetProperty("zh").GetString());

        var ok = await commander.PostAsJsonAsync($"/api/v1/callups/{id}/invite", new { staffId = tired.Id, role = "sampler", reason = "唯一会操作采样设备的人" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var added = Invitations(await ok.Content.ReadFromJsonAsync<JsonElement>()).Single(i => i.StaffId == tired.Id);
        var audit = await app.DbAsync(db => db.AuditLog.Where(a => a.EntityType == "Invitation" && a.EntityId == added.Id.ToString()).ToListAsync());
        var entry = Assert.Single(audit);
        Assert.Equal("唯一会操作采样设备的人", entry.Reason);
        Assert.Equal("commander", entry.UserName);
        Assert.Contains("over_limit", entry.Changes);

        // The quota is covered by the fresh sampler; the one called by hand is still wanted and may come.
        var anon = app.CreateClient();
        var tokens = Invitations(await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}")).ToDictionary(i => i.StaffId, i => i.Token);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/respond/{tokens[fresh.Id]}", new { answer = "coming", etaMinutes = 10 })).StatusCode);
        Assert.Equal("waiting", Invitations(await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}")).Single(i => i.StaffId == tired.Id).State);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/respond/{tokens[tired.Id]}", new { answer = "coming", etaMinutes = 10 })).StatusCode);
    }

    [Fact]
    public async Task ATokenAnswersOnlyForItsHolderAndNotAfterExpiry()
    {
        var (app, clock) = (fixture.App, fixture.Clock);
        var commander = await app.ApiAsync("commander");
        var (lockdown, neighborhood, _) = await fixture.LockdownAsync(commander, "国定路 链接测试");
        var a = CallUpApp.Person("甲丁", StaffRoles.Gatekeeper, neighborhood, 5);
        var b = CallUpApp.Person("乙丁", StaffRoles.Gatekeeper, neighborhood, 6);
        await fixture.RosterAsync(a, b);
        var callUp = await (await commander.PostAsJsonAsync("/api/v1/callups", new { lockdownId = lockdown, reportTo = "北门", needs = new[] { new { role = "gatekeeper", count = 2 } } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = callUp.GetProperty("id").GetGuid();
        var tokens = Invitations(callUp).ToDictionary(i => i.StaffId, i => i.Token);
        var anon = app.CreateClient();

        // The link shows its holder only, masked; a made-up token is nobody.
        var me = await anon.GetFromJsonAsync<JsonElement>($"/api/v1/callups/me/{tokens[a.Id]}");
        Assert.Equal("甲*", me.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await anon.PostAsJsonAsync($"/api/v1/callups/respond/{new string('q', 26)}", new { answer = "coming", etaMinutes = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anon.PostAsJsonAsync($"/api/v1/callups/respond/{tokens[a.Id]}", new { answer = "cannot" })).StatusCode);
        var invited = Invitations(await commander.GetFromJsonAsync<JsonElement>($"/api/v1/callups/{id}"));
        Assert.Equal("cannot", invited.Single(i => i.StaffId == a.Id).State);
        Assert.Equal("waiting", invited.Single(i => i.StaffId == b.Id).State);

        var bad = await anon.PostAsJsonAsync($"/api/v1/callups/respond/{tokens[b.Id]}", new { answer = "coming" });
        Assert.Equal("callup_eta_invalid", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // Staff accounts without the roster permission see no call-ups.
        var staff = await app.ApiAsync("staff");
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/api/v1/callups/{id}")).StatusCode);

        // A day and more later the link is dead.
        clock.Advance(TimeSpan.FromHours(25));
        var expired = await anon.PostAsJsonAsync($"/api/v1/callups/respond/{tokens[b.Id]}", new { answer = "coming", etaMinutes = 5 });
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Equal("callup_link_expired", (await expired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // (A bearer token does not live a day either: the database says the answer was not taken.)
        Assert.Equal(InvitationState.Waiting, (await app.DbAsync(db => db.Set<Invitation>().SingleAsync(i => i.StaffId == b.Id))).State);
    }

    [Fact]
    public async Task TheRobotGetsPersonalLinksInItsFormatWithinItsRateAndNoPhones()
    {
        var (app, clock, robot) = (fixture.App, fixture.Clock, fixture.Robot);
        var commander = await app.ApiAsync("commander");
        var (lockdown, neighborhood, _) = await fixture.LockdownAsync(commander, "国定路 群消息测试");

        // Whatever is waiting (this lockdown's own messages, earlier tests') is sent first, and the robot's minute passes.
        clock.Advance(TimeSpan.FromMinutes(11));
        while (await fixture.Dispatcher.DispatchAsync(CancellationToken.None) > 0)
        {
            clock.Advance(TimeSpan.FromSeconds(61));
        }

        clock.Advance(TimeSpan.FromSeconds(61));
        var people = Enumerable.Range(1, 300).Select(i => CallUpApp.Person($"群{i:D3}", StaffRoles.Sweeper, neighborhood, 5 + (i % 20))).ToArray();
        await fixture.RosterAsync(people);
        var before = robot.Received.Count;
        var created = await commander.PostAsJsonAsync("/api/v1/callups", new { lockdownId = lockdown, reportTo = "580弄 3号门", needs = new[] { new { role = "sweeper", count = 150 } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tokens = Invitations(await created.Content.ReadFromJsonAsync<JsonElement>()).Select(i => i.Token).ToHashSet();
        Assert.Equal(300, tokens.Count);

        // 300 links in groups of 12 are 25 messages: 20 in the first minute, the rest in the next, none folded away.
        await fixture.Dispatcher.DispatchAsync(CancellationToken.None);
        Assert.Equal(before + 20, robot.Received.Count);
        await fixture.Dispatcher.DispatchAsync(CancellationToken.None);
        Assert.Equal(before + 20, robot.Received.Count);
        clock.Advance(TimeSpan.FromSeconds(61));
        await fixture.Dispatcher.DispatchAsync(CancellationToken.None);
        var messages = robot.Received.Skip(before).ToList();
        Assert.Equal(25, messages.Count);
        var linked = new HashSet<string>();
        foreach (var message in messages)
        {
            Assert.Equal("markdown", message.RootElement.GetProperty("msgtype").GetString());
            var content = message.RootElement.GetProperty("markdown").GetProperty("content").GetString()!;
            Assert.DoesNotMatch(@"\d{7,}", content);
            Assert.DoesNotContain("群001", content);
            Assert.Contains("580弄 3号门", content);
            linked.UnionWith(LinkPattern().Matches(content).Select(m => m.Groups[1].Value));
        }

        Assert.Equal(tokens, linked);

        // Texts follow two minutes later for who has not answered; an answer withdraws that person's text.
        var answered = tokens.First();
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().PostAsJsonAsync($"/api/v1/callups/respond/{answered}", new { answer = "coming", etaMinutes = 9 })).StatusCode);
        var sms = await app.DbAsync(db => db.Set<OutboxMessage>().Where(m => m.Channel == OutboxDispatcher.Sms && m.Body.Contains("580弄")).ToListAsync());
        Assert.Equal(300, sms.Count);
        Assert.Equal(1, sms.Count(m => m.State == OutboxState.Cancelled && m.Body.Contains(answered)));
        Assert.All(sms, m => Assert.Matches("^1370000[0-9]{4}$", m.Target));
    }

    private static async Task<string?> ArriveMilestoneAsync(HttpClient commander, Guid lockdown) =>
        (await commander.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{lockdown}")).GetProperty("milestones").EnumerateArray()
            .Single(m => m.GetProperty("key").GetString() == "arrive").GetProperty("state").GetString();

    private sealed record Invited(Guid Id, Guid StaffId, string Role, int Ring, string Token, string State);

    private static List<Invited> Invitations(JsonElement callUp) => [.. callUp.GetProperty("invitations").EnumerateArray().Select(i => new Invited(
        i.GetProperty("id").GetGuid(), i.GetProperty("staffId").GetGuid(), i.GetProperty("role").GetString()!, i.GetProperty("ring").GetInt32(),
        i.GetProperty("token").GetString()!, i.GetProperty("state").GetString()!))];

    private static Dictionary<string, (int Count, int Coming, int Arrived)> Needs(JsonElement callUp) =>
        callUp.GetProperty("needs").EnumerateArray().ToDictionary(
            n => n.GetProperty("role").GetString()!, n => (n.GetProperty("count").GetInt32(), n.GetProperty("coming").GetInt32(), n.GetProperty("arrived").GetInt32()));

    [GeneratedRegex(@"https://cordon\.example\.cn/c/([a-z]{26})\)")]
    private static partial Regex LinkPattern();
}
