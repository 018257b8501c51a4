using System.Net;
using Cordon.Features.Testing;
using Cordon.Features.Demo;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Testing;

public sealed class TestingPagesTests(DemoApp app)
{
    [Fact]
    public async Task ACommanderPlansAndOpensARoundFromThePage()
    {
        var pages = await app.PagesAsync("commander");
        var compound = await app.DbAsync(db => db.Compounds.Where(c => c.Name == Sampling.Quiet).Select(c => c.Id).SingleAsync());
        var name = "页面轮次 " + Guid.NewGuid().ToString("N")[..4];
        var created = await pages.SubmitAsync("/Testing", new()
        {
            ["Name"] = name,
            ["CompoundIds"] = compound.ToString(),
            ["PoolSize"] = "10",
            ["StartsAt"] = "2026-11-29T08:00",
            ["EndsAt"] = "2026-11-29T20:00",
            ["Rule"] = "Routine",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var url = created.Headers.Location!.OriginalString;
        var round = await app.DbAsync(db => db.TestingRounds.SingleAsync(r => r.Name == name));
        Assert.Equal(new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc), round.StartsAt);

        var opened = await pages.SubmitAsync(url, [], "form[action$='handler=Open']");
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var page = await pages.PageAsync(url);
        Assert.Contains("进行中", page.QuerySelector(".page-head")!.TextContent, StringComparison.Ordinal);
        var expected = page.QuerySelectorAll(".stat b").First().TextContent.Trim();
        var count = await app.DbAsync(db => db.Residents.CountAsync(r => r.CompoundId == compound
            && (r.Status == Cordon.Platform.People.ResidenceStatus.Resident || r.Status == Cordon.Platform.People.ResidenceStatus.Tenant)));
        Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), expected);
    }

    [Fact]
    public async Task ARoundPlannedWithATubePrefixRefusesTubesWithoutIt()
    {
        var pages = await app.PagesAsync("commander");
        var compound = await app.DbAsync(db => db.Compounds.Where(c => c.Name == Sampling.Quiet).Select(c => c.Id).SingleAsync());
        var name = "管码轮次 " + Guid.NewGuid().ToString("N")[..4];
        var created = await pages.SubmitAsync("/Testing", new()
        {
            ["Name"] = name,
            ["CompoundIds"] = compound.ToString(),
            ["PoolSize"] = "10",
            ["Rule"] = "Routine",
            ["TubePrefix"] = " tb ",
            ["TubeLength"] = "12",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var url = created.Headers.Location!.OriginalString;
        var round = await app.DbAsync(db => db.TestingRounds.AsNoTracking().SingleAsync(r => r.Name == name));
        Assert.Equal(("TB", 12), (round.TubePrefix, round.TubeLength));
        Assert.Equal("试管条码以 TB 开头，共 12 位", (await pages.PageAsync(url)).QuerySelector("#tube-format")!.TextContent.Trim());
        await pages.SubmitAsync(url, [], "form[action$='handler=Open']");

        // The device learns the format with the roster; the server holds to it whatever a device sends.
        var sampler = await app.ApiAsync("sampler");
        var roster = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(sampler, $"/api/v1/testing/rounds/{round.Id}/roster");
        Assert.Equal("TB", roster.GetProperty("tubePrefix").GetString());
        Assert.Equal(12, roster.GetProperty("tubeLength").GetInt32());
        var codes = await Sampling.CodesAsync(app, Sampling.Quiet, 2);
        var digits = Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var without = await Sampling.RegisterAsync(sampler, round.Id, codes[0], "XX" + digits);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, without.StatusCode);
        Assert.Equal("tube_code_invalid", await Sampling.CodeOfAsync(without));
        var tooShort = await Sampling.RegisterAsync(sampler, round.Id, codes[0], "TB" + digits[..9]);
        Assert.Equal("tube_code_invalid", await Sampling.CodeOfAsync(tooShort));
        Assert.Equal(HttpStatusCode.Created, (await Sampling.RegisterAsync(sampler, round.Id, codes[0], "TB" + digits)).StatusCode);
        Assert.Equal(1, await app.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round.Id)));
    }

    [Fact]
    public async Task ARoundWithAnImpossibleTubeFormatIsRefusedOnThePage()
    {
        var pages = await app.PagesAsync("commander");
        var compound = await app.DbAsync(db => db.Compounds.Where(c => c.Name == Sampling.Quiet).Select(c => c.Id).SingleAsync());
        var response = await pages.SubmitAsync("/Testing", new()
        {
            ["Name"] = "坏管码",
            ["CompoundIds"] = compound.ToString(),
            ["PoolSize"] = "10",
            ["Rule"] = "Routine",
            ["TubePrefix"] = "TB",
            ["TubeLength"] = "4",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("管码格式不对", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARoundWithoutScopeIsRefusedOnThePageWithAReason()
    {
        var pages = await app.PagesAsync("commander");
        var response = await pages.SubmitAsync("/Testing", new() { ["Name"] = "空范围", ["PoolSize"] = "10", ["Rule"] = "Routine" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("请选择范围", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMissingListAndTheGridAgreeWithTheCoverage()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound, building: "9号");
        var codes = await Sampling.CodesAsync(app, DemoData.BigCompound, 4, "9号");
        var tube = Sampling.Tube();
        foreach (var code in codes)
        {
            await Sampling.RegisterAsync(sampler, round, code, tube);
        }

        var building = await app.DbAsync(db => db.Buildings.Where(b => b.Number == "9号" && db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == DemoData.BigCompound)).Select(b => b.Id).SingleAsync());
        var volunteer = await app.PagesAsync("volunteer");
        var missing = await volunteer.PageAsync($"/Testing/Rounds/{round}/Missing");
        var rows = missing.QuerySelectorAll(".knock .door").Length;
        var coverage = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(commander, $"/api/v1/testing/rounds/{round}/coverage");
        Assert.Equal(coverage.GetProperty("missingCount").GetInt32(), rows);

        var grid = await volunteer.PageAsync($"/Testing/Rounds/{round}/Buildings/{building}");
        Assert.NotEmpty(grid.QuerySelectorAll("a.cell.mark-bad"));
        Assert.NotEmpty(grid.QuerySelectorAll("a.cell.mark-ok, a.cell.mark-warn"));
    }

    [Fact]
    public async Task AnExemptionIsMadeFromTheFlatPageWithAReason()
    {
        var commander = await app.ApiAsync("commander");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var resident = await app.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Sampling.Quiet) && r.Status == Cordon.Platform.People.ResidenceStatus.Resident).OrderBy(r => r.Name).FirstAsync());
        var pages = await app.PagesAsync("commander");
        var url = $"/Testing/Rounds/{round}/Flats/{resident.FlatId}";
        var refused = await pages.SubmitAsync(url, new() { ["residentId"] = resident.Id.ToString(), ["kind"] = "Other", ["note"] = "" }, "form[action*='handler=Exempt']");
        Assert.Contains("请选择豁免原因", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var done = await pages.SubmitAsync(url, new() { ["residentId"] = resident.Id.ToString(), ["kind"] = "Away", ["note"] = "在外地出差" }, "form[action*='handler=Exempt']");
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.True(await app.DbAsync(db => db.Exemptions.AnyAsync(e => e.RoundId == round && e.ResidentId == resident.Id)));
    }

    [Fact]
    public async Task TheSamplerScreenListsOpenRoundsAndNeedsNoInlineScript()
    {
        var commander = await app.ApiAsync("commander");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var pages = await app.PagesAsync("sampler");
        var page = await pages.PageAsync($"/Testing/Sample?round={round}");
        Assert.NotNull(page.QuerySelector($"#round option[value='{round}'][selected]"));
        Assert.All(page.Scripts, s => Assert.False(string.IsNullOrEmpty(s.Source)));
    }
}

public sealed class SeriesTests(DemoApp app)
{
    [Fact]
    public async Task TwoRoundsOfASeriesShowWhoStillNeedsTheSecondTestAndTheDeadline()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var building = await app.DbAsync(db => db.Buildings.Where(b => b.Number == "11号" && db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == DemoData.BigCompound)).Select(b => b.Id).SingleAsync());
        var first = await CreateAsync(commander, building, null);
        var series = await app.DbAsync(db => db.TestingRounds.Where(r => r.Id == first).Select(r => r.SeriesId).SingleAsync());
        Assert.NotNull(series);
        var second = await CreateAsync(commander, building, series);
        var codes = await Sampling.CodesAsync(app, DemoData.BigCompound, 3, "11号");
        foreach (var code in codes)
        {
            await Sampling.RegisterAsync(sampler, first, code, Sampling.Tube());
        }

        await Sampling.RegisterAsync(sampler, second, codes[0], Sampling.Tube());
        var page = await (await app.PagesAsync("commander")).PageAsync($"/Testing/Rounds/{second}/Series");
        var stats = page.QuerySelectorAll(".stat b").Select(b => int.Parse(b.TextContent, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(1, stats[0]);
        Assert.Equal(2, stats[1]);
        Assert.Contains("前完成两次", page.QuerySelector(".page-head")!.TextContent, StringComparison.Ordinal);
    }

    private static async Task<Guid> CreateAsync(HttpClient commander, Guid building, Guid? series)
    {
        var created = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(commander, "/api/v1/testing/rounds",
            new { name = "48h", buildingIds = new[] { building }, rule = "TwoWithin48Hours", seriesId = series });
        var id = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(created.Content)).GetProperty("id").GetGuid();
        await commander.PostAsync($"/api/v1/testing/rounds/{id}/open", null);
        return id;
    }
}
