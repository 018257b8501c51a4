using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Features.Testing;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Testing;

/// <summary>Issue 10 §2.6–7: the people who knock on doors get their list, in climbing order, and record each door.</summary>
public sealed class DoorKnockTests(DemoApp app)
{
    [Fact]
    public async Task VolunteersReachTheDoorKnockListOfTheirCompoundAndRecordEachDoor()
    {
        var commander = await app.ApiAsync("commander");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound);
        var volunteer = await app.PagesAsync("volunteer");

        // The menu leads there; the round is listed with what it still misses.
        var home = await volunteer.PageAsync("/");
        Assert.Contains(home.QuerySelectorAll("nav a"), a => a.GetAttribute("href") == "/Testing/Knock");
        var rounds = await volunteer.PageAsync("/Testing/Knock");
        Assert.NotNull(rounds.QuerySelector($"a[href='/Testing/Rounds/{round}/Missing']"));

        // A big compound opens as its buildings: a phone loads one building at a time.
        var list = await volunteer.PageAsync($"/Testing/Rounds/{round}/Missing");
        var buildings = list.QuerySelectorAll(".building-list a").ToList();
        Assert.True(buildings.Count >= 40, $"{buildings.Count} buildings");
        Assert.Empty(list.QuerySelectorAll(".door"));

        // A walk-up's doors come entrance by entrance, top floor first.
        var walkUp = await app.DbAsync(db => db.Buildings.Where(b => !b.HasElevator && b.Number == "3号" && db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == DemoData.BigCompound)).Select(b => b.Id).SingleAsync());
        var url = $"/Testing/Rounds/{round}/Missing?buildingId={walkUp}";
        var doors = await volunteer.PageAsync(url);
        var order = doors.QuerySelectorAll(".door .addr").Select(a => a.TextContent.Trim()).ToList();
        Assert.NotEmpty(order);
        var parsed = order.Select(a => a.Split('-')).Select(p => (Entrance: int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), Floor: int.Parse(p[2][..^2], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(parsed.OrderBy(p => p.Entrance).ThenByDescending(p => p.Floor).ToList(), parsed);

        // One tap records "nobody home"; the same form sent twice is one knock; the list shows it.
        var first = doors.QuerySelector(".door")!;
        var resident = Guid.Parse(first.Id!["p-".Length..]);
        var form = (AngleSharp.Html.Dom.IHtmlFormElement)first.QuerySelector("form.knock-buttons")!;
        var fields = form.QuerySelectorAll("input[type=hidden]").OfType<AngleSharp.Html.Dom.IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
        fields["outcome"] = nameof(KnockOutcome.NobodyHome);
        for (var i = 0; i < 2; i++)
        {
            var answer = await volunteer.Http.PostAsync(form.GetAttribute("action"), new FormUrlEncodedContent(fields));
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        }

        Assert.Equal(1, await app.DbAsync(db => db.DoorKnocks.CountAsync(k => k.RoundId == round && k.ResidentId == resident)));
        var after = await volunteer.PageAsync(url);
        Assert.Contains("无人应门", after.GetElementById("p-" + resident)!.TextContent, StringComparison.Ordinal);

        // The dashboard counts what was found at the doors.
        var dashboard = await (await app.PagesAsync("commander")).PageAsync($"/Testing/Rounds/{round}");
        Assert.Contains("无人应门 1", dashboard.QuerySelector(".knock-summary")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKnockThroughTheApiIsStoredOnceAndOnlyForPeopleOfTheRound()
    {
        var commander = await app.ApiAsync("commander");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var resident = await app.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Sampling.Quiet)).Select(r => r.Id).FirstAsync());
        var outside = await app.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == DemoData.BigCompound)).Select(r => r.Id).FirstAsync());
        var id = Guid.NewGuid();

        var created = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/knocks", new { id, residentId = resident, outcome = "willComeDown" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var again = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/knocks", new { id, residentId = resident, outcome = "willComeDown" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var changed = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/knocks", new { id, residentId = resident, outcome = "refused" });
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);

        var stranger = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/knocks", new { id = Guid.NewGuid(), residentId = outside, outcome = "refused" });
        Assert.Equal("resident_not_in_round", (await stranger.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var noOutcome = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/knocks", new { id = Guid.NewGuid(), residentId = resident });
        Assert.Equal("knock_outcome_missing", (await noOutcome.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // A volunteer of another compound does not see this round at all.
        var volunteer = await app.ApiAsync("volunteer");
        Assert.Equal(HttpStatusCode.NotFound, (await volunteer.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/knocks", new { id = Guid.NewGuid(), residentId = resident, outcome = "refused" })).StatusCode);
    }

    [Fact]
    public async Task TheHomeSamplingListSaysExactlyWhatItHoldsAndNeverAllDoneWhileAnyoneIsMissing()
    {
        var commander = await app.ApiAsync("commander");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var pages = await app.PagesAsync("commander");
        var home = await pages.PageAsync($"/Testing/Rounds/{round}/Missing?home=true");
        var text = home.Body!.TextContent;
        Assert.Contains("行动不便", home.QuerySelector(".lead-line")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("一个都不少", text, StringComparison.Ordinal);
        Assert.Contains("尚未采样", home.QuerySelector(".alert.warn")!.TextContent, StringComparison.Ordinal);
    }
}
