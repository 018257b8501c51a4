using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Sweeps;
using Cordon.Platform.Offline;
using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Sweeps;

/// <summary>A demo app of its own: these tests change the ledger (approved findings) and count rounds of one compound.</summary>
public sealed class VisitsApp : CordonApp;

/// <summary>Visits at the door (issue 13): stored once, bad input refused alone, findings waiting for approval, rounds carried over and compared.</summary>
public sealed class VisitTests(VisitsApp app) : IClassFixture<VisitsApp>
{
    private const string Compound = "国定路400弄";

    /// <summary>Only the rounds test sweeps this one, so its series is its own.</summary>
    private const string Rounds = "中原小区";

    private sealed record Flat(Guid Id, int Floor, string Room, List<Guid> Residents);

    private async Task<(Guid Sweep, List<Flat> Flats)> SweepAsync(HttpClient client, int teams = 2, int? round = null, string name = Compound)
    {
        var compound = await app.DbAsync(db => db.Compounds.Where(c => c.Name == name).Select(c => c.Id).SingleAsync());
        var created = await client.PostAsJsonAsync("/api/v1/sweeps", new { id = Guid.CreateVersion7(), compoundIds = new[] { compound }, teams, round });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sweep = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var flats = new List<Flat>();
        for (var team = 1; team <= teams; team++)
        {
            var packet = await client.GetFromJsonAsync<JsonElement>($"/api/v1/sweeps/{sweep}/packets/{team}");
            flats.AddRange(packet.GetProperty("entrances").EnumerateArray().SelectMany(e => e.GetProperty("flats").EnumerateArray())
                .Select(f => new Flat(f.GetProperty("flatId").GetGuid(), f.GetProperty("floor").GetInt32(), f.GetProperty("room").GetString()!,
                    [.. f.GetProperty("residents").EnumerateArray().Select(r => r.GetProperty("id").GetGuid())])));
        }

        return (sweep, flats);
    }

    private static object Visit(Guid flat, string outcome, int? occupants = null, object[]? residents = null, object[]? newPeople = null, Guid? id = null, long? sequence = null) =>
        new { id = id ?? Guid.CreateVersion7(), flatId = flat, outcome, occupants, residents = residents ?? [], newPeople = newPeople ?? [], visitors = Array.Empty<object>(), needs = Array.Empty<string>(), note = "", deviceId = "test-device", deviceSequence = sequence };

    [Fact]
    public async Task AVisitIsStoredOnceARetryAnswersTheFirstAndTheSameIdWithOtherContentIsAConflict()
    {
        var staff = await app.ApiAsync("staff");
        var (sweep, flats) = await SweepAsync(staff);
        var flat = flats.First(f => f.Residents.Count > 0);
        var id = Guid.CreateVersion7();
        var body = Visit(flat.Id, "answered", 2, [new { residentId = flat.Residents[0], presence = "here" }], id: id);

        var first = await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var again = await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", body);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());

        var other = await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", Visit(flat.Id, "nobody_home", id: id));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Equal("visit_id_reused", (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(1, await app.DbAsync(db => db.Set<SweepVisit>().CountAsync(v => v.Id == id)));

        // A resident of another flat, a bad presence, a flat outside the sweep: refused by field, nothing stored.
        var stranger = flats.First(f => f.Id != flat.Id && f.Residents.Count > 0).Residents[0];
        var wrong = await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", Visit(flat.Id, "answered", 1, [new { residentId = stranger, presence = "here" }]));
        var problem = await wrong.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Equal("visit_resident_not_in_flat", problem.GetProperty("code").GetString());
        Assert.Equal("residents[0].residentId", problem.GetProperty("details").GetProperty("field").GetString());
        var presence = await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", Visit(flat.Id, "answered", 1, [new { residentId = flat.Residents[0], presence = "gone" }]));
        Assert.Equal("visit_presence_invalid", (await presence.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var elsewhere = await app.DbAsync(db => db.Flats.Where(f => db.Compounds.Any(c => c.Id == f.CompoundId && c.Name != Compound)).Select(f => f.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", Visit(elsewhere, "answered"))).StatusCode);
        Assert.Equal(1, await app.DbAsync(db => db.Set<SweepVisit>().CountAsync(v => v.SweepId == sweep)));
    }

    [Fact]
    public async Task ABatchAnswersPerItemOneBadItemFailsNoOtherAndSentTwiceIsStoredOnce()
    {
        var staff = await app.ApiAsync("staff");
        var (sweep, flats) = await SweepAsync(staff);
        var good = Visit(flats[0].Id, "nobody_home", sequence: 1);
        var badId = Visit(flats[1].Id, "answered", 3, newPeople: [new { name = "临时住户", documentType = "IdCard", documentNumber = "310110199001011235", phone = "", relation = "亲戚", since = "2026-11-25" }], sequence: 2);
        var script = Visit(flats[2].Id, "answered", 1, newPeople: [new { name = "<script>x</script>", documentType = "IdCard", documentNumber = "", phone = "", relation = "", since = (string?)null }], sequence: 3);
        var alsoGood = Visit(flats[3].Id, "refused", sequence: 4);
        object?[] batch = [good, null, badId, script, alsoGood];

        var response = await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits:batch", batch);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.Equal([201, 422, 422, 422, 201], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("visit_item_invalid", results[1].GetProperty("code").GetString());
        Assert.StartsWith("id_", results[2].GetProperty("code").GetString(), StringComparison.Ordinal);
        Assert.Equal("newPeople[0].documentNumber", results[2].GetProperty("details").GetProperty("field").GetString());
        Assert.Equal("name_invalid", results[3].GetProperty("code").GetString());
        Assert.Equal("newPeople[0].name", results[3].GetProperty("details").GetProperty("field").GetString());

        var twice = (await (await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits:batch", batch)).Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        Assert.Equal([200, 422, 422, 422, 200], twice.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal(2, await app.DbAsync(db => db.Set<SweepVisit>().CountAsync(v => v.SweepId == sweep)));

        // Refusals wait in the supervisors' inbox once each, without the typed ID number.
        var kept = await app.DbAsync(db => db.Set<SyncConflict>().Where(c => c.ScopeId == sweep).ToListAsync());
        Assert.Equal(2, kept.Count);
        Assert.All(kept, c => Assert.Equal(SweepConflicts.Feature, c.Feature));
        Assert.DoesNotContain(kept, c => c.Payload.Contains("310110199001011235", StringComparison.Ordinal));
        Assert.Equal(0, await app.DbAsync(db => db.Set<LedgerProposal>().CountAsync(p => p.Name == "临时住户")));

        // A supervisor types the right number on /Conflicts: the visit is stored and its finding filed, the conflict closed.
        var pages = await app.PagesAsync("staff");
        var inbox = await pages.PageAsync($"/Conflicts?scope={sweep}");
        Assert.Contains("newPeople[0].documentNumber", inbox.Body!.TextContent, StringComparison.Ordinal);
        var badItem = results[2].GetProperty("id").GetGuid();
        var retried = await pages.SubmitAsync($"/Conflicts?scope={sweep}",
            new() { ["id"] = badItem.ToString(), ["correction"] = "11010519491231002X" }, $"form[action*='handler=Retry']:has(input[value='{badItem}'])");
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        Assert.Equal(ConflictStatus.Resolved, await app.DbAsync(db => db.Set<SyncConflict>().Where(c => c.Id == badItem).Select(c => c.Status).SingleAsync()));
        Assert.Equal(3, await app.DbAsync(db => db.Set<SweepVisit>().CountAsync(v => v.SweepId == sweep)));
        Assert.Equal(1, await app.DbAsync(db => db.Set<LedgerProposal>().CountAsync(p => p.Name == "临时住户" && p.DocumentNumber == "11010519491231002X")));
    }

    [Fact]
    public async Task APersonFoundAtTheDoorIsInTheLedgerOnlyAfterApprovalAndAnAwayResidentIsProposedNotApplied()
    {
        var staff = await app.ApiAsync("staff");
        var (sweep, flats) = await SweepAsync(staff);
        var flat = flats.Last(f => f.Residents.Count > 0);
        var resident = flat.Residents[0];
        var visit = await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", Visit(flat.Id, "answered", 2,
            [new { residentId = resident, presence = "away", since = "2026-11-28", where = "江苏南通" }],
            [new { name = "陈新来", documentType = "IdCard", documentNumber = "11010519491231002X", phone = "13912345678", relation = "亲戚", since = "2026-11-24" }]));
        Assert.Equal(HttpStatusCode.Created, visit.StatusCode);
        Assert.Equal(2, (await visit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("proposals").GetInt32());

        Assert.False(await app.DbAsync(db => db.Residents.AnyAsync(r => r.Name == "陈新来")));
        Assert.Equal(ResidenceStatus.Resident, await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Status).SingleAsync()));

        var open = (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/proposals?status=open&flatId={flat.Id}")).EnumerateArray().ToList();
        var add = open.Single(p => p.GetProperty("kind").GetString() == "add_resident");
        Assert.Contains(add.GetProperty("changes").EnumerateArray(), c => c.GetProperty("after").GetString() == "陈新来");
        Assert.DoesNotContain("11010519491231002X", add.GetRawText(), StringComparison.Ordinal);
        var away = open.Single(p => p.GetProperty("kind").GetString() == "away");

        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/v1/ledger/proposals/{add.GetProperty("id").GetGuid()}/approve", new { })).StatusCode);
        var added = await app.DbAsync(db => db.Residents.SingleAsync(r => r.Name == "陈新来"));
        Assert.Equal(flat.Id, added.FlatId);
        Assert.Equal(new DateOnly(2026, 11, 24), added.StatusSince);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/v1/ledger/proposals/{away.GetProperty("id").GetGuid()}/approve", new { })).StatusCode);
        Assert.Equal(ResidenceStatus.Away, await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Status).SingleAsync()));

        // The same finding in the next round makes no second proposal once the ledger says it.
        var next = await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", Visit(flat.Id, "answered", 2, [new { residentId = resident, presence = "away" }]));
        Assert.Equal(0, (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("proposals").GetInt32());
    }

    [Fact]
    public async Task RoundTwoStartsWithRoundOnesUnansweredFlatsAndThreeRoundsAreCompared()
    {
        var commander = await app.ApiAsync("commander");
        var (first, flats) = await SweepAsync(commander, teams: 2, round: 11, name: Rounds);
        var answered = flats.Take(flats.Count - 3).ToList();
        var nobody = flats[^3];
        var refused = flats[^2];
        var unvisited = flats[^1];
        var batch = answered.Select((f, i) => Visit(f.Id, "answered", 2, sequence: i)).Append(Visit(nobody.Id, "nobody_home")).Append(Visit(refused.Id, "refused")).ToList();
        var stored = (await (await commander.PostAsJsonAsync($"/api/v1/sweeps/{first}/visits:batch", batch)).Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray();
        Assert.All(stored, r => Assert.Equal(201, r.GetProperty("status").GetInt32()));

        var progress = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/sweeps/{first}/progress");
        Assert.Equal(flats.Count, progress.GetProperty("flats").GetInt32());
        Assert.Equal(flats.Count - 1, progress.GetProperty("visited").GetInt32());
        Assert.Equal(answered.Count, progress.GetProperty("answered").GetInt32());
        Assert.Equal([unvisited.Id], progress.GetProperty("unvisited").EnumerateArray().Select(u => u.GetGuid()));

        var (second, _) = await SweepAsync(commander, teams: 2, round: 12, name: Rounds);
        var carried = new Dictionary<Guid, string>();
        for (var team = 1; team <= 2; team++)
        {
            var packet = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/sweeps/{second}/packets/{team}");
            foreach (var c in packet.GetProperty("carryOver").EnumerateArray())
            {
                carried[c.GetProperty("flatId").GetGuid()] = c.GetProperty("reason").GetString()!;
            }
        }

        Assert.Equal(new Dictionary<Guid, string> { [nobody.Id] = "nobody_home", [refused.Id] = "refused", [unvisited.Id] = "unvisited" }, carried);

        // Round 12: the refused flat opens with 3 people now; round 13: the nobody-home flat still does not.
        await commander.PostAsJsonAsync($"/api/v1/sweeps/{second}/visits:batch", new[] { Visit(nobody.Id, "nobody_home"), Visit(refused.Id, "answered", 3), Visit(answered[0].Id, "answered", 3) });
        var (third, _) = await SweepAsync(commander, teams: 2, round: 13, name: Rounds);
        await commander.PostAsJsonAsync($"/api/v1/sweeps/{third}/visits:batch", new[] { Visit(nobody.Id, "nobody_home"), Visit(unvisited.Id, "vacant") });

        var compared = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/sweeps/{third}/compare");
        var rounds = compared.GetProperty("rounds").EnumerateArray().Where(r => r.GetProperty("round").GetInt32() >= 11).ToList();
        Assert.Equal([11, 12, 13], rounds.Select(r => r.GetProperty("round").GetInt32()));
        Assert.Equal(answered.Count, rounds[0].GetProperty("answered").GetInt32());
        Assert.Equal(2, rounds[1].GetProperty("answered").GetInt32());
        var never = compared.GetProperty("neverAnswered").EnumerateArray().Select(f => f.GetProperty("flatId").GetGuid()).ToList();
        Assert.Contains(nobody.Id, never);
        Assert.DoesNotContain(unvisited.Id, never);
        Assert.DoesNotContain(refused.Id, never);
        Assert.DoesNotContain(answered[1].Id, never);
        var changed = compared.GetProperty("changed").EnumerateArray().Single(f => f.GetProperty("flatId").GetGuid() == answered[0].Id);
        Assert.Equal([2, 3], changed.GetProperty("occupants").EnumerateArray().TakeLast(3).Where(o => o.ValueKind == JsonValueKind.Number).Select(o => o.GetInt32()));

        // On paper: round 12's packets list the open flats first, and every flat has its QR to the visit form.
        var pages = await app.PagesAsync("commander");
        var paper = await pages.PageAsync($"/Sweeps/Packet?id={second}&team=1");
        var packetJson = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/sweeps/{second}/packets/1");
        Assert.Equal(packetJson.GetProperty("flatCount").GetInt32(), paper.QuerySelectorAll("td.packet-qr svg").Length);
        Assert.Equal(packetJson.GetProperty("carryOver").GetArrayLength(), paper.QuerySelectorAll("#carry-over tr[data-flat]").Length);
        var comparePage = await pages.PageAsync($"/Sweeps/Compare?id={third}");
        Assert.Equal(compared.GetProperty("rounds").GetArrayLength(), comparePage.QuerySelectorAll("#rounds tbody tr").Length);
        Assert.Equal(never.Count, comparePage.QuerySelectorAll("#never li").Length);
    }

    [Fact]
    public async Task ALeaderNamesATeamsMembersAndThePacketCarriesThem()
    {
        var staff = await app.ApiAsync("staff");
        var (sweep, _) = await SweepAsync(staff);
        var named = await staff.PutAsJsonAsync($"/api/v1/sweeps/{sweep}/teams", new { members = new[] { new { team = 2, members = "张伟、李娜" } } });
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal("张伟、李娜", (await named.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("teams")[1].GetProperty("members").GetString());
        Assert.Equal("张伟、李娜", (await staff.GetFromJsonAsync<JsonElement>($"/api/v1/sweeps/{sweep}/packets/2")).GetProperty("members").GetString());
        var refused = await staff.PutAsJsonAsync($"/api/v1/sweeps/{sweep}/teams", new { members = new[] { new { team = 9, members = "王强" } } });
        Assert.Equal("sweep_move_invalid", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var pages = await app.PagesAsync("staff");
        var saved = await pages.SubmitAsync($"/Sweeps/Details?id={sweep}", new() { ["team"] = "1", ["members"] = "王强、赵敏" }, "form.team-members:has(input[name='team'][value='1'])");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var packet = await pages.PageAsync($"/Sweeps/Packet?id={sweep}&team=1");
        Assert.Contains("王强、赵敏", packet.QuerySelector(".packet-members")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVolunteerFindsTheirTeamAndRecordsVisitsButCannotPlan()
    {
        var staff = await app.ApiAsync("staff");
        var (sweep, flats) = await SweepAsync(staff, name: Cordon.Features.Demo.DemoData.BigCompound);
        var (elsewhere, _) = await SweepAsync(staff);
        var pages = await app.PagesAsync("volunteer");
        var index = await pages.PageAsync("/Sweeps");
        Assert.Null(index.QuerySelector("form.sweep-form"));
        Assert.NotNull(index.QuerySelector($"details.team-links a[href='/Sweeps/Walk?sweep={sweep}&team=2']"));
        Assert.Null(index.QuerySelector($"a[href^='/Sweeps/Walk?sweep={elsewhere}']"));
        Assert.NotNull(index.QuerySelector("nav a[href='/Sweeps']"));

        var volunteer = await app.ApiAsync("volunteer");
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.PostAsJsonAsync("/api/v1/sweeps", new { compoundIds = Array.Empty<Guid>(), teams = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await volunteer.GetAsync($"/api/v1/sweeps/{sweep}/packets/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await volunteer.GetAsync($"/api/v1/sweeps/{elsewhere}/packets/1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await volunteer.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", Visit(flats[0].Id, "nobody_home"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.GetAsync("/api/v1/ledger/proposals")).StatusCode);
    }

    [Fact]
    public async Task MedicineFoundAtTheDoorReachesTheCareRegisterAndTheVisitCountsAsTodaysContact()
    {
        var staff = await app.ApiAsync("staff");
        var (sweep, flats) = await SweepAsync(staff);
        var flat = flats.Where(f => f.Residents.Count > 0).Skip(6).First();
        var visit = new
        {
            id = Guid.CreateVersion7(),
            flatId = flat.Id,
            outcome = "answered",
            occupants = 1,
            residents = new[] { new { residentId = flat.Residents[0], presence = "here" } },
            newPeople = Array.Empty<object>(),
            visitors = Array.Empty<object>(),
            needs = new[] { "medicine" },
            note = "降压药只剩两天",
            deviceId = "test-device",
            deviceSequence = (long?)null,
        };
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync($"/api/v1/sweeps/{sweep}/visits", visit)).StatusCode);

        var compound = await app.DbAsync(db => db.Compounds.Where(c => c.Name == Compound).Select(c => c.Id).SingleAsync());
        var register = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/care/register?compoundId={compound}");
        var entry = register.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("residentId").GetGuid() == flat.Residents[0]);
        Assert.Contains(entry.GetProperty("needs").EnumerateArray(), n => n.GetProperty("code").GetString() == "medicine" && n.GetProperty("source").GetString() == "sweep");
        Assert.True(entry.GetProperty("contactedToday").GetBoolean());
    }
}
