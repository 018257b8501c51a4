using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Sweeps;

/// <summary>Sweep planning and packets through the API (issue 13), on the demo's copy of the seed's compound.</summary>
public sealed class SweepApiTests(DemoApp app)
{
    private async Task<Guid> CompoundAsync(string name) => await app.DbAsync(db => db.Compounds.Where(c => c.Name == name).Select(c => c.Id).SingleAsync());

    [Fact]
    public async Task SixteenPacketsForTheSeedsCompoundHoldEveryFlatOnceWithinFifteenPercentAndWalkUpsTopFloorFirst()
    {
        var commander = await app.ApiAsync("commander");
        var compound = await CompoundAsync(DemoData.BigCompound);
        var id = Guid.CreateVersion7();
        var response = await commander.PostAsJsonAsync("/api/v1/sweeps", new { id, compoundIds = new[] { compound }, round = 1, label = "上午", teams = 16 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sweep = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(sweep.GetProperty("spread").GetDouble() <= 0.15, $"spread {sweep.GetProperty("spread").GetDouble():P1}");
        var teams = sweep.GetProperty("teams").EnumerateArray().ToList();
        Assert.Equal(16, teams.Count);

        // A retry of the same order is the same sweep.
        var again = await commander.PostAsJsonAsync("/api/v1/sweeps", new { id, compoundIds = new[] { compound }, round = 1, label = "上午", teams = 16 });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var flats = await app.DbAsync(db => db.Flats.Where(f => f.CompoundId == compound).Select(f => f.Id).ToListAsync());
        var seen = new List<Guid>();
        foreach (var team in teams)
        {
            var packet = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/sweeps/{id}/packets/{team.GetProperty("no").GetInt32()}");
            foreach (var entrance in packet.GetProperty("entrances").EnumerateArray())
            {
                var floors = entrance.GetProperty("flats").EnumerateArray().Select(f => f.GetProperty("floor").GetInt32()).ToList();
                Assert.Equal(floors.OrderDescending(), floors);
                seen.AddRange(entrance.GetProperty("flats").EnumerateArray().Select(f => f.GetProperty("flatId").GetGuid()));
            }

            Assert.Equal(team.GetProperty("flats").GetInt32(), packet.GetProperty("flatCount").GetInt32());
        }

        Assert.Equal(flats.Order(), seen.Order());
    }

    [Fact]
    public async Task APlannedSweepOfALockdownClosesSweepReadyAndALeaderMovesAnEntrance()
    {
        var staff = await app.ApiAsync("staff");
        var commander = await app.ApiAsync("commander");
        var compound = await CompoundAsync("国定路400弄");
        var ordered = await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "国定路400弄 扫楼测试", level = "sealed", compoundIds = new[] { compound } });
        var lockdown = (await ordered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var created = await staff.PostAsJsonAsync("/api/v1/sweeps", new { lockdownId = lockdown, label = "上午", teams = 3 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sweep = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = sweep.GetProperty("id").GetGuid();
        var view = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{lockdown}");
        Assert.Equal("done", view.GetProperty("milestones").EnumerateArray().Single(m => m.GetProperty("key").GetString() == "sweep_ready").GetProperty("state").GetString());

        var lockdownPage = await (await app.PagesAsync("staff")).PageAsync($"/Lockdowns/Details?id={lockdown}");
        Assert.NotNull(lockdownPage.QuerySelector($"#sweeps ~ p a[href='/Sweeps/Details?id={id}'], a[href='/Sweeps/Details?id={id}']"));
        Assert.NotNull(lockdownPage.QuerySelector($"a[href='/Sweeps?lockdownId={lockdown}']"));

        var first = sweep.GetProperty("teams")[0].GetProperty("entrances")[0];
        var moved = await staff.PutAsJsonAsync($"/api/v1/sweeps/{id}/teams", new { moves = new[] { new { buildingId = first.GetProperty("buildingId").GetGuid(), entrance = first.GetProperty("entrance").GetInt32(), team = 3 } } });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var after = await moved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(after.GetProperty("teams")[2].GetProperty("entrances").EnumerateArray(), e => e.GetProperty("buildingId").GetGuid() == first.GetProperty("buildingId").GetGuid() && e.GetProperty("entrance").GetInt32() == first.GetProperty("entrance").GetInt32());
        Assert.Equal(
            sweep.GetProperty("teams").EnumerateArray().Sum(t => t.GetProperty("effort").GetDouble()),
            after.GetProperty("teams").EnumerateArray().Sum(t => t.GetProperty("effort").GetDouble()), 1);

        var bad = await staff.PutAsJsonAsync($"/api/v1/sweeps/{id}/teams", new { moves = new[] { new { buildingId = Guid.NewGuid(), entrance = 1, team = 2 } } });
        Assert.Equal("sweep_move_invalid", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/v1/sweeps/{id}/packets/9")).StatusCode);
    }

    [Fact]
    public async Task ASweepOutsideTheJurisdictionIsNotFoundAndVolunteersCannotPlan()
    {
        var commander = await app.ApiAsync("commander");
        var other = await CompoundAsync(DemoData.OtherCompound);
        var created = await commander.PostAsJsonAsync("/api/v1/sweeps", new { compoundIds = new[] { other }, teams = 2 });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var staff = await app.ApiAsync("staff");
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/v1/sweeps/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/v1/sweeps/{id}/packets/1")).StatusCode);
        var refused = await staff.PostAsJsonAsync("/api/v1/sweeps", new { compoundIds = new[] { other }, teams = 2 });
        Assert.Equal("sweep_scope_empty", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var volunteer = await app.ApiAsync("volunteer");
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.PostAsJsonAsync("/api/v1/sweeps", new { compoundIds = new[] { other }, teams = 2 })).StatusCode);
    }
}

/// <summary>The same from the pages a team leader uses.</summary>
public sealed class SweepPagesTests(DemoApp app)
{
    [Fact]
    public async Task ALeaderPlansASweepFromThePageAndPrintsAPacket()
    {
        var compound = await app.DbAsync(db => db.Compounds.Where(c => c.Name == "中原小区").Select(c => c.Id).SingleAsync());
        var pages = await app.PagesAsync("commander");
        var created = await pages.SubmitAsync("/Sweeps", new() { ["CompoundIds"] = compound.ToString(), ["Teams"] = "2", ["Label"] = "中午", ["LockdownId"] = "" }, "form.sweep-form");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var url = created.Headers.Location!.ToString();
        var details = await pages.PageAsync(url);
        Assert.Equal(2, details.QuerySelectorAll("section.sweep-team").Length);
        var packetLink = details.QuerySelector("section.sweep-team[data-team='1'] a[href^='/Sweeps/Packet']")!.GetAttribute("href")!;
        var packet = await pages.PageAsync(packetLink);
        Assert.Contains("从顶楼往下", packet.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        var floors = packet.QuerySelectorAll("section.packet-entrance")[0].QuerySelectorAll("tbody tr").Select(r => r.QuerySelector("td")!.TextContent).ToList();
        Assert.StartsWith("6", floors[0].Trim(), StringComparison.Ordinal);

        var empty = await pages.SubmitAsync("/Sweeps", new() { ["Teams"] = "2", ["LockdownId"] = "" }, "form.sweep-form");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
    }
}
