using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Features.Hotline;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cordon.Tests.Features.Hotline;

/// <summary>A demo app on a fake clock at 03:00 in Shanghai, the clock's own timer off: the tests tick it.</summary>
public sealed class HotlineApp : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.FromHours(8)));

    public CordonApp App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = new CordonApp { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(Clock) }.With("Cordon:Clock:Enabled", "false");
        await App.InitializeAsync();
    }

    public Task<int> TickAsync() => App.Services.GetRequiredService<DeadlineWatcher>().TickAsync(CancellationToken.None);

    public Task<string> UserIdAsync(string userName) => App.DbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync());

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The hotline (issue 14): numbers, deadlines from the call, duplicates at intake, hand-over, callbacks, jurisdiction.</summary>
public sealed class HotlineTests(HotlineApp fixture) : IClassFixture<HotlineApp>
{
    private async Task<Guid> FlatAsync(string compound, int skip = 0) =>
        await fixture.App.DbAsync(db => db.Flats.Where(f => db.Compounds.Any(c => c.Id == f.CompoundId && c.Name == compound)).OrderBy(f => f.Id).Skip(skip).Select(f => f.Id).FirstAsync());

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task ARequestGetsANumberAndADeadlineFromTheCallAndItsOwnerIsWarnedAtThreeQuarters()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var flat = await FlatAsync("国定路400弄");
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7();
        var body = new { id, callerPhone = "13800001111", flatId = flat, category = "medicine", urgency = "urgent", text = "胰岛素还剩一支，需要代购", receivedAt = now.AddMinutes(-40), channel = "phone" };
        var created = await staff.PostAsJsonAsync("/api/v1/requests", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var request = await JsonAsync(created);
        Assert.Matches(@"^R1201-\d{4}$", request.GetProperty("number").GetString());

        // The clock runs from the call, not from the save: two hours for urgent medicine.
        Assert.Equal(now.AddMinutes(-40).AddHours(2), request.GetProperty("dueAt").GetDateTime().ToUniversalTime(), TimeSpan.FromSeconds(1));
        var again = await staff.PostAsJsonAsync("/api/v1/requests", body);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(request.GetProperty("number").GetString(), (await JsonAsync(again)).GetProperty("number").GetString());

        var staffId = await fixture.UserIdAsync("staff");
        fixture.Clock.Advance(TimeSpan.FromMinutes(51));
        await fixture.TickAsync();
        var warned = await fixture.App.DbAsync(db => db.Set<Notification>().Where(n => n.UserId == staffId && n.Link == HotlineDesk.Link(id)).ToListAsync());
        Assert.Single(warned);
        Assert.DoesNotContain("胰岛素", warned[0].Title, StringComparison.Ordinal);
        Assert.DoesNotContain("13800001111", warned[0].Title + warned[0].Body, StringComparison.Ordinal);

        var overdue = await staff.GetFromJsonAsync<JsonElement>("/api/v1/requests?state=open&overdue=true");
        Assert.DoesNotContain(overdue.EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);
        fixture.Clock.Advance(TimeSpan.FromMinutes(30));
        overdue = await staff.GetFromJsonAsync<JsonElement>("/api/v1/requests?state=open&overdue=true");
        var item = overdue.EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == id);
        Assert.Equal(flat, item.GetProperty("flatId").GetGuid());
        Assert.Equal("medicine", item.GetProperty("category").GetString());
        Assert.Equal("open", item.GetProperty("state").GetString());
        Assert.Equal("staff", item.GetProperty("owner").GetString());

        var bad = await staff.PostAsJsonAsync("/api/v1/requests", new { callerPhone = "1380000", flatId = flat, category = "food", text = "买菜" });
        Assert.Equal("phone_invalid", (await JsonAsync(bad)).GetProperty("code").GetString());
        var category = await staff.PostAsJsonAsync("/api/v1/requests", new { callerPhone = "13800001111", flatId = flat, category = "pizza", text = "买菜" });
        Assert.Equal("request_category_invalid", (await JsonAsync(category)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task TwoCallsFromTheSamePhoneAboutFoodWithin48HoursAreFlaggedAndMergeIntoOneNumber()
    {
        var staff = await fixture.App.ApiAsync("staff");
        // A flat no other test of this class calls about: its requests are this test's alone.
        var flat = await FlatAsync(DemoData.BigCompound, 3);
        var first = await JsonAsync(await staff.PostAsJsonAsync("/api/v1/requests", new { id = Guid.CreateVersion7(), callerPhone = "13800002222", flatId = flat, category = "food", text = "家里没米了" }));
        Assert.Empty(first.GetProperty("possibleDuplicates").EnumerateArray());
        var other = await JsonAsync(await staff.PostAsJsonAsync("/api/v1/requests", new { id = Guid.CreateVersion7(), callerPhone = "13800002222", flatId = flat, category = "medicine", text = "降压药" }));
        Assert.Empty(other.GetProperty("possibleDuplicates").EnumerateArray());

        // The next call reaches the commander's desk, from the same phone with no flat given.
        var commander = await fixture.App.ApiAsync("commander");
        var second = await JsonAsync(await commander.PostAsJsonAsync("/api/v1/requests", new { id = Guid.CreateVersion7(), callerPhone = "138 0000 2222", category = "food", text = "还是没米，也没油", flatId = (Guid?)null }));
        var duplicates = second.GetProperty("possibleDuplicates").EnumerateArray().ToList();
        Assert.Equal(first.GetProperty("id").GetGuid(), Assert.Single(duplicates).GetProperty("id").GetGuid());

        var secondId = second.GetProperty("id").GetGuid();
        var merged = await commander.PostAsJsonAsync($"/api/v1/requests/{secondId}/merge", new { intoId = first.GetProperty("id").GetGuid() });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal("merged", (await JsonAsync(merged)).GetProperty("state").GetString());
        var kept = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/requests/{first.GetProperty("id").GetGuid()}");
        Assert.Contains(kept.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "merged_in" && e.GetProperty("note").GetString()!.Contains("也没油", StringComparison.Ordinal));
        Assert.Equal(DeadlineState.Done, await fixture.App.DbAsync(db => db.Set<Deadline>().Where(d => d.SubjectId == secondId).Select(d => d.State).SingleAsync()));
    }

    [Fact]
    public async Task AHandOverTakesEffectOnAcceptAndADeclineReturnsItToTheSender()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var commander = await fixture.App.ApiAsync("commander");
        var flat = await FlatAsync("国定路400弄", 5);
        var request = await JsonAsync(await staff.PostAsJsonAsync("/api/v1/requests", new { id = Guid.CreateVersion7(), callerPhone = "13800003333", flatId = flat, category = "medical", text = "透析车" }));
        var id = request.GetProperty("id").GetGuid();
        var commanderId = await fixture.UserIdAsync("commander");

        var handed = await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/requests/{id}/assign", new { userId = commanderId }));
        Assert.Equal("staff", handed.GetProperty("owner").GetString());
        Assert.Equal(commanderId, handed.GetProperty("pendingOwnerId").GetString());
        Assert.True(await fixture.App.DbAsync(db => db.Set<Notification>().AnyAsync(n => n.UserId == commanderId && n.Link == HotlineDesk.Link(id))));

        // Only the one it was handed to can accept or decline it.
        var notMine = await staff.PostAsJsonAsync($"/api/v1/requests/{id}/accept", new { });
        Assert.Equal("request_not_yours", (await JsonAsync(notMine)).GetProperty("code").GetString());
        var declined = await JsonAsync(await commander.PostAsJsonAsync($"/api/v1/requests/{id}/decline", new { reason = "不在本片区" }));
        Assert.Equal("staff", declined.GetProperty("owner").GetString());
        Assert.Equal(JsonValueKind.Null, declined.GetProperty("pendingOwnerId").ValueKind);
        var staffId = await fixture.UserIdAsync("staff");
        Assert.True(await fixture.App.DbAsync(db => db.Set<Notification>().AnyAsync(n => n.UserId == staffId && n.Link == HotlineDesk.Link(id) && n.Title.Contains("退回"))));

        await staff.PostAsJsonAsync($"/api/v1/requests/{id}/assign", new { userId = commanderId });
        var accepted = await JsonAsync(await commander.PostAsJsonAsync($"/api/v1/requests/{id}/accept", new { }));
        Assert.Equal(commanderId, accepted.GetProperty("ownerId").GetString());
        Assert.Equal(["received", "assigned", "declined", "assigned", "accepted"], accepted.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        var nobody = await staff.PostAsJsonAsync($"/api/v1/requests/{id}/assign", new { userId = "no-such-user" });
        Assert.Equal("request_user_invalid", (await JsonAsync(nobody)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ClosingNeedsACallbackAndThreeUnansweredCallsAreTheirOwnOutcome()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var flat = await FlatAsync("国定路400弄", 7);
        var id = (await JsonAsync(await staff.PostAsJsonAsync("/api/v1/requests", new { id = Guid.CreateVersion7(), callerPhone = "13800004444", flatId = flat, category = "question", text = "何时解封" }))).GetProperty("id").GetGuid();
        var refused = await staff.PostAsJsonAsync($"/api/v1/requests/{id}/close", new { });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal("callback_missing", (await JsonAsync(refused)).GetProperty("code").GetString());
        for (var i = 0; i < 2; i++)
        {
            await staff.PostAsJsonAsync($"/api/v1/requests/{id}/callback", new { outcome = "no_answer" });
        }

        Assert.Equal("callback_missing", (await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/requests/{id}/close", new { }))).GetProperty("code").GetString());
        await staff.PostAsJsonAsync($"/api/v1/requests/{id}/callback", new { outcome = "no_answer" });
        var closed = await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/requests/{id}/close", new { }));
        Assert.Equal("closed", closed.GetProperty("state").GetString());
        Assert.Equal("unreachable", closed.GetProperty("outcome").GetString());

        var other = (await JsonAsync(await staff.PostAsJsonAsync("/api/v1/requests", new { id = Guid.CreateVersion7(), callerPhone = "13800005555", flatId = flat, category = "parcel", text = "快递在门岗" }))).GetProperty("id").GetGuid();
        await staff.PostAsJsonAsync($"/api/v1/requests/{other}/callback", new { outcome = "resolved", satisfied = true });
        Assert.Equal("resolved", (await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/requests/{other}/close", new { }))).GetProperty("outcome").GetString());
        Assert.Equal(DeadlineState.Done, await fixture.App.DbAsync(db => db.Set<Deadline>().Where(d => d.SubjectId == other).Select(d => d.State).SingleAsync()));
        var stats = await staff.GetFromJsonAsync<JsonElement>("/api/v1/requests/stats");
        Assert.True(stats.GetProperty("closed").GetInt32() >= 2);
    }

    [Fact]
    public async Task VolunteersSeeOnlyTheirJurisdiction()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var volunteer = await fixture.App.ApiAsync("volunteer");
        var mine = await FlatAsync(DemoData.BigCompound);
        var theirs = await FlatAsync("国定路400弄", 9);
        var inside = (await JsonAsync(await staff.PostAsJsonAsync("/api/v1/requests", new { id = Guid.CreateVersion7(), callerPhone = "13800006666", flatId = mine, category = "food", text = "送菜" }))).GetProperty("id").GetGuid();
        var outside = (await JsonAsync(await staff.PostAsJsonAsync("/api/v1/requests", new { id = Guid.CreateVersion7(), callerPhone = "13800007777", flatId = theirs, category = "food", text = "送菜" }))).GetProperty("id").GetGuid();

        var list = (await volunteer.GetFromJsonAsync<JsonElement>("/api/v1/requests")).EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(inside, list);
        Assert.DoesNotContain(outside, list);
        Assert.Equal(HttpStatusCode.NotFound, (await volunteer.GetAsync($"/api/v1/requests/{outside}")).StatusCode);
        var noFlat = await volunteer.PostAsJsonAsync("/api/v1/requests", new { callerPhone = "13800008888", category = "question", text = "咨询" });
        Assert.Equal("request_flat_required", (await JsonAsync(noFlat)).GetProperty("code").GetString());
        var elsewhere = await volunteer.PostAsJsonAsync("/api/v1/requests", new { callerPhone = "13800008888", flatId = theirs, category = "question", text = "咨询" });
        Assert.Equal("request_flat_not_found", (await JsonAsync(elsewhere)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.App.ApiAsync("sampler")).GetAsync("/api/v1/requests")).StatusCode);
    }

    [Fact]
    public async Task TheDutyDeskRecordsACallShowsADuplicateBeforeSavingAndClosesAfterACallback()
    {
        var pages = await fixture.App.PagesAsync("staff");
        var compound = await fixture.App.DbAsync(db => db.Compounds.Where(c => c.Name == "国定路400弄").Select(c => c.Id).SingleAsync());
        var room = await fixture.App.DbAsync(db => db.Flats.Where(f => f.CompoundId == compound)
            .Join(db.Buildings, f => f.BuildingId, b => b.Id, (f, b) => new { b.Number, f.Entrance, f.Room }).OrderBy(x => x.Room).FirstAsync());
        var fields = new Dictionary<string, string>
        {
            ["CallerPhone"] = "13800009999",
            ["CompoundId"] = compound.ToString(),
            ["Room"] = $"{room.Number}-{room.Entrance}-{room.Room}",
            ["Category"] = "medicine",
            ["Urgent"] = "true",
            ["Text"] = "老人心脏药吃完了",
            ["Channel"] = "phone",
        };
        var saved = await pages.SubmitAsync("/Hotline", fields, "form#intake");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var link = saved.Headers.Location!.ToString();
        var details = await pages.PageAsync(link);
        Assert.Contains("老人心脏药吃完了", details.QuerySelector(".request-text")!.TextContent, StringComparison.Ordinal);
        Assert.Matches(@"R1201-\d{4}", details.QuerySelector("h1")!.TextContent);

        // The same phone about the same thing: shown first, nothing saved until the person decides.
        var before = await fixture.App.DbAsync(db => db.Set<HotlineRequest>().CountAsync());
        var again = await pages.SubmitAsync("/Hotline", fields, "form#intake");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var shown = await PageClient.ParseAsync(await again.Content.ReadAsStringAsync());
        Assert.NotNull(shown.QuerySelector("#duplicates button[name='into']"));
        Assert.Equal(before, await fixture.App.DbAsync(db => db.Set<HotlineRequest>().CountAsync()));

        var closeTooEarly = await pages.SubmitAsync(link, [], "form[action*='handler=Close']");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, closeTooEarly.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await pages.SubmitAsync(link, new() { ["outcome"] = "resolved", ["satisfied"] = "true", ["note"] = "已送药上门" }, "form#callback")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await pages.SubmitAsync(link, [], "form[action*='handler=Close']")).StatusCode);
        var closed = await pages.PageAsync(link);
        Assert.Contains("已办结", closed.QuerySelector(".page-head")!.TextContent, StringComparison.Ordinal);
        Assert.Null(closed.QuerySelector("form#callback"));

        // No address given: the caller's number in the ledger finds the flat (for a role that may search by number).
        var resident = await fixture.App.DbAsync(db => db.Residents.Where(r => r.CompoundId == compound && r.Phone != null)
            .GroupBy(r => r.Phone).Where(g => g.Select(r => r.FlatId).Distinct().Count() == 1).Select(g => new { Phone = g.Key, g.First().FlatId }).FirstAsync());
        var byPhone = await pages.SubmitAsync("/Hotline", new() { ["CallerPhone"] = resident.Phone!, ["Category"] = "question", ["Text"] = "何时送菜", ["Channel"] = "phone" }, "form#intake");
        Assert.Equal(HttpStatusCode.Redirect, byPhone.StatusCode);
        var found = Guid.Parse(byPhone.Headers.Location!.ToString().Split("id=")[1]);
        Assert.Equal(resident.FlatId, await fixture.App.DbAsync(db => db.Set<HotlineRequest>().Where(r => r.Id == found).Select(r => r.FlatId).SingleAsync()));
    }
}
