using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Care;
using Cordon.Features.Demo;
using Cordon.Platform.Clock;
using Cordon.Platform.Notifications;
using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cordon.Tests.Features.Care;

/// <summary>A demo app on a fake clock at 03:00 on Tuesday 1 December in Shanghai, the clock's timer off: the tests tick it.</summary>
public sealed class CareApp : IAsyncLifetime
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

/// <summary>Care tasks and the register (issue 14): tracked until the resident confirms, recurring on the clock, back when unconfirmed, in jurisdiction.</summary>
public sealed class CareTests(CareApp fixture) : IClassFixture<CareApp>
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>A resident of a compound of the test's own in the staff's neighborhood, so no other test counts its tasks.</summary>
    private async Task<(Given.Place Place, Guid Resident)> ResidentAsync(NeedTag tags = NeedTag.None, int flats = 1)
    {
        var place = await fixture.App.Given().CompoundAsync(DemoData.StaffNeighborhood, flats);
        return (place, await fixture.App.Given().ResidentAsync(place, place.Flats[0], "关爱测试", "13900001111", tags: tags));
    }

    private Task<List<CareTask>> SeriesAsync(Guid seriesId) =>
        fixture.App.DbAsync(db => db.Set<CareTask>().Where(t => t.SeriesId == seriesId).OrderBy(t => t.Occurrence).ToListAsync());

    [Fact]
    public async Task ARecurringInsulinNeedMakesItsNextTaskOnlyAfterTheLastOneIsConfirmed()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var (_, resident) = await ResidentAsync(NeedTag.Ill);
        var due = fixture.Clock.GetUtcNow().UtcDateTime.AddHours(5);
        var created = await staff.PostAsJsonAsync("/api/v1/care/tasks", new { id = Guid.CreateVersion7(), residentId = resident, kind = "medicine", dueAt = due, recurrence = "P3D", note = "胰岛素" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var task = await JsonAsync(created);
        var id = task.GetProperty("id").GetGuid();
        Assert.Equal("requested", task.GetProperty("state").GetString());
        Assert.Equal("P3D", task.GetProperty("recurrence").GetString());

        var assigned = await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/assign", new { userId = (string?)null }));
        Assert.Equal("assigned", assigned.GetProperty("state").GetString());
        Assert.Equal(await fixture.UserIdAsync("staff"), assigned.GetProperty("ownerId").GetString());
        Assert.Equal("in_progress", (await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/start", new { }))).GetProperty("state").GetString());
        Assert.Equal("done", (await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/done", new { outcome = "送到 3 支胰岛素笔" }))).GetProperty("state").GetString());

        // Done is not the end: without the resident's word the plan waits.
        await fixture.TickAsync();
        Assert.Single(await SeriesAsync(id));

        var confirmed = await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/confirm", new { via = "phone", note = "老人说收到了" });
        Assert.Equal("confirmed", (await JsonAsync(confirmed)).GetProperty("state").GetString());
        var retry = await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/confirm", new { via = "phone" });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);

        await fixture.TickAsync();
        await fixture.TickAsync();
        var series = await SeriesAsync(id);
        Assert.Equal(2, series.Count);
        var next = series[1];
        Assert.Equal(2, next.Occurrence);
        Assert.Equal(due.AddDays(3), next.DueAt, TimeSpan.FromSeconds(1));
        Assert.Equal(CareState.Assigned, next.State);
        Assert.Equal(series[0].OwnerId, next.OwnerId);
        Assert.Equal(1, await fixture.App.DbAsync(db => db.Set<Deadline>().CountAsync(d => d.SubjectId == next.Id && d.Key == "due")));

        // Skipping one occurrence (in hospital that day) keeps the plan; stopping it ends it.
        await staff.PostAsJsonAsync($"/api/v1/care/tasks/{next.Id}/cancel", new { reason = "住院中", stopPlan = true });
        await fixture.TickAsync();
        Assert.Equal(2, (await SeriesAsync(id)).Count);
    }

    [Fact]
    public async Task ATaskNotConfirmedInTimeComesBackToItsOwner()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var (_, resident) = await ResidentAsync(NeedTag.ElderlyAlone);
        var id = (await JsonAsync(await staff.PostAsJsonAsync("/api/v1/care/tasks", new { residentId = resident, kind = "meals", note = "午饭" }))).GetProperty("id").GetGuid();
        await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/assign", new { });
        await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/done", new { outcome = "放门口了" });

        // Sessions end after hours of a fake clock: each look is a fresh sign-in.
        fixture.Clock.Advance(TimeSpan.FromHours(11));
        await fixture.TickAsync();
        staff = await fixture.App.ApiAsync("staff");
        Assert.Equal("done", (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/care/tasks/{id}")).GetProperty("state").GetString());

        fixture.Clock.Advance(TimeSpan.FromHours(2));
        await fixture.TickAsync();
        staff = await fixture.App.ApiAsync("staff");
        var back = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/care/tasks/{id}");
        Assert.Equal("assigned", back.GetProperty("state").GetString());
        Assert.Equal(1, back.GetProperty("returned").GetInt32());
        Assert.Contains(back.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "returned");
        var staffId = await fixture.UserIdAsync("staff");
        Assert.True(await fixture.App.DbAsync(db => db.Set<Notification>().AnyAsync(n => n.UserId == staffId && n.Link == CareDesk.Link(id) && n.Title.Contains("退回"))));
        Assert.Equal(DeadlineState.Open, await fixture.App.DbAsync(db => db.Set<Deadline>().Where(d => d.SubjectId == id && d.Key == "due-1").Select(d => d.State).SingleAsync()));
        var open = await staff.GetFromJsonAsync<JsonElement>("/api/v1/care/tasks?state=assigned");
        Assert.Contains(open.EnumerateArray(), t => t.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task AnOverdueTaskAlertsItsOwnerAndThenTheNeighborhoodsLeader()
    {
        var commander = await fixture.App.ApiAsync("commander");
        var volunteerId = await fixture.UserIdAsync("volunteer");
        var staffId = await fixture.UserIdAsync("staff");
        var resident = await fixture.App.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == DemoData.BigCompound))
            .OrderBy(r => r.Id).Skip(11).Select(r => r.Id).FirstAsync());
        var due = fixture.Clock.GetUtcNow().UtcDateTime.AddMinutes(40);
        var id = (await JsonAsync(await commander.PostAsJsonAsync("/api/v1/care/tasks", new { residentId = resident, kind = "medicine", dueAt = due }))).GetProperty("id").GetGuid();
        var given = await JsonAsync(await commander.PostAsJsonAsync($"/api/v1/care/tasks/{id}/assign", new { userId = volunteerId }));
        Assert.Equal(volunteerId, given.GetProperty("ownerId").GetString());
        Assert.True(await fixture.App.DbAsync(db => db.Set<Notification>().AnyAsync(n => n.UserId == volunteerId && n.Link == CareDesk.Link(id))));

        Task<List<string>> HeardAsync() => fixture.App.DbAsync(db => db.Set<Notification>().Where(n => n.Link == CareDesk.Link(id) && n.DedupeKey.StartsWith("deadline:")).Select(n => n.UserId).ToListAsync());
        fixture.Clock.Advance(TimeSpan.FromMinutes(41));
        await fixture.TickAsync();
        var heard = await HeardAsync();
        Assert.Contains(volunteerId, heard);
        Assert.DoesNotContain(staffId, heard);
        var overdue = await commander.GetFromJsonAsync<JsonElement>("/api/v1/care/tasks?overdue=true");
        Assert.True(overdue.EnumerateArray().Single(t => t.GetProperty("id").GetGuid() == id).GetProperty("overdue").GetBoolean());

        // A quarter window later the leader of 政立路居民区 (the staff keeping its ledger) hears of it too.
        fixture.Clock.Advance(TimeSpan.FromMinutes(30));
        await fixture.TickAsync();
        Assert.Contains(staffId, await HeardAsync());
        var alert = await fixture.App.DbAsync(db => db.Set<Alert>().Where(a => a.SubjectId == id).OrderByDescending(a => a.RaisedAt).FirstAsync());
        Assert.DoesNotContain("关爱测试", alert.Title, StringComparison.Ordinal);

        var elsewhere = await fixture.App.DbAsync(db => db.Users.Where(u => u.UserName == "sampler").Select(u => u.Id).SingleAsync());
        Assert.Equal("care_user_invalid", (await JsonAsync(await commander.PostAsJsonAsync($"/api/v1/care/tasks/{id}/assign", new { userId = elsewhere }))).GetProperty("code").GetString());
    }

    [Fact]
    public async Task VolunteersSeeOnlyTheirJurisdiction()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var volunteer = await fixture.App.ApiAsync("volunteer");
        Task<Guid> ResidentOfAsync(string compound) => fixture.App.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound))
            .OrderBy(r => r.Id).Skip(3).Select(r => r.Id).FirstAsync());
        var mine = await ResidentOfAsync(DemoData.BigCompound);
        var theirs = await ResidentOfAsync("国定路400弄");
        var inside = (await JsonAsync(await staff.PostAsJsonAsync("/api/v1/care/tasks", new { residentId = mine, kind = "check_in" }))).GetProperty("id").GetGuid();
        var outside = (await JsonAsync(await staff.PostAsJsonAsync("/api/v1/care/tasks", new { residentId = theirs, kind = "check_in" }))).GetProperty("id").GetGuid();

        var list = (await volunteer.GetFromJsonAsync<JsonElement>("/api/v1/care/tasks")).EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(inside, list);
        Assert.DoesNotContain(outside, list);
        Assert.Equal(HttpStatusCode.NotFound, (await volunteer.GetAsync($"/api/v1/care/tasks/{outside}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await volunteer.PostAsJsonAsync($"/api/v1/care/tasks/{outside}/done", new { })).StatusCode);
        var create = await volunteer.PostAsJsonAsync("/api/v1/care/tasks", new { residentId = theirs, kind = "meals" });
        Assert.Equal("care_resident_not_found", (await JsonAsync(create)).GetProperty("code").GetString());
        var register = await volunteer.GetFromJsonAsync<JsonElement>("/api/v1/care/register");
        Assert.DoesNotContain(register.GetProperty("items").EnumerateArray(), i => i.GetProperty("residentId").GetGuid() == theirs);
        var seen = register.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("residentId").GetGuid() == mine);
        Assert.True(seen.GetProperty("phone").ValueKind == JsonValueKind.Null || seen.GetProperty("phone").GetString()!.Contains('*', StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.App.ApiAsync("sampler")).GetAsync("/api/v1/care/tasks")).StatusCode);
    }

    [Fact]
    public async Task AHospitalVisitRecordsItsWholeTripAndBadInputIsRefusedByField()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var (_, resident) = await ResidentAsync(NeedTag.Ill);
        var id = Guid.CreateVersion7();
        var body = new { id, residentId = resident, kind = "hospital", dueAt = fixture.Clock.GetUtcNow().UtcDateTime.AddHours(3), recurrence = "FREQ=WEEKLY;BYDAY=MO,WE,FR", note = "透析" };
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync("/api/v1/care/tasks", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync("/api/v1/care/tasks", body)).StatusCode);
        var reused = await staff.PostAsJsonAsync("/api/v1/care/tasks", body with { kind = "meals" });
        Assert.Equal("care_task_id_reused", (await JsonAsync(reused)).GetProperty("code").GetString());

        var early = await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/done", new { outcome = "已送达" });
        var problem = await JsonAsync(early);
        Assert.Equal("care_trip_incomplete", problem.GetProperty("code").GetString());
        Assert.Equal("vehicle", problem.GetProperty("details").GetProperty("field").GetString());

        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/start", new { vehicle = "沪A·12345", driver = "王师傅", destination = "市东医院血透室", departedAt = now.AddMinutes(-50) });
        var backwards = await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/done", new { arrivedAt = now.AddMinutes(-60), handedOverTo = "护士 刘", returnedAt = now });
        Assert.Equal("arrivedAt", (await JsonAsync(backwards)).GetProperty("details").GetProperty("field").GetString());
        var noReturn = await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/done", new { arrivedAt = now.AddMinutes(-20), handedOverTo = "护士 刘" });
        Assert.Equal("returnedAt", (await JsonAsync(noReturn)).GetProperty("details").GetProperty("field").GetString());
        var done = await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/done", new { arrivedAt = now.AddMinutes(-20), handedOverTo = "护士 刘", returnedAt = now }));
        Assert.Equal("done", done.GetProperty("state").GetString());
        var trip = done.GetProperty("trip");
        Assert.Equal("沪A·12345", trip.GetProperty("vehicle").GetString());
        Assert.Equal("护士 刘", trip.GetProperty("handedOverTo").GetString());

        foreach (var (bad, code, field) in new (object, string, string)[]
        {
            (new { residentId = resident, kind = "pizza" }, "care_kind_invalid", "kind"),
            (new { residentId = resident, kind = "meals", recurrence = "FREQ=HOURLY" }, "care_recurrence_invalid", "recurrence"),
            (new { residentId = resident, kind = "meals", recurrence = "PT5M" }, "care_recurrence_invalid", "recurrence"),
            (new { residentId = resident, kind = "meals", dueAt = now.AddYears(1) }, "care_due_invalid", "dueAt"),
            (new { residentId = Guid.NewGuid(), kind = "meals" }, "care_resident_not_found", "residentId"),
        })
        {
            var refused = await JsonAsync(await staff.PostAsJsonAsync("/api/v1/care/tasks", bad));
            Assert.Equal(code, refused.GetProperty("code").GetString());
            Assert.Equal(field, refused.GetProperty("details").GetProperty("field").GetString());
        }

        Assert.Equal("care_state_invalid", (await JsonAsync(await staff.GetAsync("/api/v1/care/tasks?state=lost"))).GetProperty("code").GetString());
        Assert.Equal("care_confirm_note_missing", (await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/care/tasks/{id}/confirm", new { via = "volunteer" }))).GetProperty("code").GetString());
        Assert.Equal(1, await fixture.App.DbAsync(db => db.Set<CareTask>().CountAsync(t => t.ResidentId == resident)));
    }

    [Fact]
    public async Task TheRegisterListsNeedsFromTheLedgerTheDoorAndTheHotlineAndWhoWasNotContactedToday()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var (place, elder) = await ResidentAsync(NeedTag.ElderlyAlone | NeedTag.Foreign, flats: 3);
        var pregnant = await fixture.App.Given().ResidentAsync(place, place.Flats[1], "孕妇待核实", null);
        await fixture.App.Given().ProposalAsync(place, place.Flats[1], ProposalKind.Needs, p => (p.ResidentId, p.Tags) = (pregnant, NeedTag.Pregnant));
        var caller = await fixture.App.Given().ResidentAsync(place, place.Flats[2], "来电户", "13900002222");
        var untagged = await fixture.App.Given().ResidentAsync(place, place.Flats[0], "同住家属", null);
        await staff.PostAsJsonAsync("/api/v1/requests", new { id = Guid.CreateVersion7(), callerPhone = "13900002222", flatId = place.Flats[2], category = "medicine", text = "降压药吃完了" });

        async Task<Dictionary<Guid, JsonElement>> RegisterAsync() =>
            (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/care/register?compoundId={place.CompoundId}")).GetProperty("items").EnumerateArray()
                .ToDictionary(i => i.GetProperty("residentId").GetGuid());
        var items = await RegisterAsync();
        Assert.DoesNotContain(untagged, items.Keys);
        Assert.Equal(["elderly_alone"], items[elder].GetProperty("needs").EnumerateArray().Select(n => n.GetProperty("code").GetString()));
        var found = Assert.Single(items[pregnant].GetProperty("needs").EnumerateArray());
        Assert.Equal(("pregnant", "proposal"), (found.GetProperty("code").GetString(), found.GetProperty("source").GetString()));
        Assert.Contains(items[caller].GetProperty("needs").EnumerateArray(), n => n.GetProperty("code").GetString() == "medicine" && n.GetProperty("source").GetString() == "hotline");

        // The caller's flat was in touch today (the call itself); the elder not yet, until someone rings them.
        Assert.True(items[caller].GetProperty("contactedToday").GetBoolean());
        Assert.False(items[elder].GetProperty("contactedToday").GetBoolean());
        var contact = new { id = Guid.CreateVersion7(), residentId = elder, channel = "phone", outcome = "well", note = "精神不错" };
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync("/api/v1/care/contacts", contact)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync("/api/v1/care/contacts", contact)).StatusCode);
        Assert.Equal("care_contact_invalid", (await JsonAsync(await staff.PostAsJsonAsync("/api/v1/care/contacts", new { residentId = elder, channel = "fax" }))).GetProperty("code").GetString());
        items = await RegisterAsync();
        Assert.True(items[elder].GetProperty("contactedToday").GetBoolean());
        Assert.False(items[pregnant].GetProperty("contactedToday").GetBoolean());

        var register = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/care/register?compoundId={place.CompoundId}&notContacted=true");
        Assert.Equal([pregnant], register.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("residentId").GetGuid()));
        var neighborhood = Assert.Single(register.GetProperty("neighborhoods").EnumerateArray());
        Assert.Equal((3, 1), (neighborhood.GetProperty("people").GetInt32(), neighborhood.GetProperty("notContactedToday").GetInt32()));
    }

    [Fact]
    public async Task AMedicineCallBecomesACareTaskInOneStepLinkedBothWays()
    {
        var staff = await fixture.App.ApiAsync("staff");
        var (place, resident) = await ResidentAsync(NeedTag.LivesAlone);
        var request = await JsonAsync(await staff.PostAsJsonAsync("/api/v1/requests",
            new { id = Guid.CreateVersion7(), callerPhone = "13900001111", flatId = place.Flats[0], category = "medicine", urgency = "urgent", text = "胰岛素只剩一支" }));
        var requestId = request.GetProperty("id").GetGuid();
        var created = await staff.PostAsJsonAsync($"/api/v1/requests/{requestId}/care-tasks", new { residentId = resident });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var task = await JsonAsync(created);
        Assert.Equal("medicine", task.GetProperty("kind").GetString());
        var again = await JsonAsync(await staff.PostAsJsonAsync($"/api/v1/requests/{requestId}/care-tasks", new { residentId = resident }));
        Assert.Equal(task.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());

        var view = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/care/tasks/{task.GetProperty("id").GetGuid()}");
        Assert.Equal(request.GetProperty("number").GetString(), view.GetProperty("sourceLabel").GetString());
        Assert.Equal(request.GetProperty("dueAt").GetDateTime(), view.GetProperty("dueAt").GetDateTime());
        Assert.Equal("胰岛素只剩一支", view.GetProperty("note").GetString());
        var history = (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/requests/{requestId}")).GetProperty("history").EnumerateArray();
        Assert.Single(history, e => e.GetProperty("kind").GetString() == "care_task");

        var stranger = await fixture.App.Given().ResidentAsync(place, place.Flats[0], "别处", null);
        var other = await fixture.App.Given().CompoundAsync(DemoData.StaffNeighborhood, 1);
        var notHere = await fixture.App.Given().ResidentAsync(other, other.Flats[0], "他户", null);
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync($"/api/v1/requests/{requestId}/care-tasks", new { residentId = stranger, kind = "meals" })).StatusCode);
        var wrong = await staff.PostAsJsonAsync($"/api/v1/requests/{requestId}/care-tasks", new { residentId = notHere });
        Assert.Equal("request_resident_not_in_flat", (await JsonAsync(wrong)).GetProperty("code").GetString());
    }
}
