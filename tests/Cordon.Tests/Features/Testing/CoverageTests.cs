using System.Net;
using Cordon.Features.Testing;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Features.Ledger;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Testing;

public sealed class CoverageTests(DemoApp app)
{
    [Fact]
    public async Task NotOneMissingIsComputedFromTheLedger()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound, building: "7号");
        var living = await app.DbAsync(db => db.Residents.Where(r => db.Buildings.Any(b => b.Id == r.BuildingId && b.Number == "7号"
            && db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == DemoData.BigCompound))).ToListAsync());
        var expected = living.Where(r => r.Status is ResidenceStatus.Resident or ResidenceStatus.Tenant).ToList();
        var codes = await Sampling.CodesAsync(app, DemoData.BigCompound, 30, "7号");
        var tube = Sampling.Tube();
        for (var i = 0; i < 5; i++)
        {
            await Sampling.RegisterAsync(sampler, round, codes[i], i < 5 ? tube : Sampling.Tube());
        }

        var exempted = expected.First(r => !codes.Take(5).Contains(r.SamplingCode));
        var exempt = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/exemptions", new { residentId = exempted.Id, kind = "Hospitalized", note = "长海医院住院" });
        Assert.Equal(HttpStatusCode.OK, exempt.StatusCode);

        var coverage = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{round}/coverage");
        Assert.Equal(expected.Count, coverage.GetProperty("expected").GetInt32());
        Assert.Equal(5, coverage.GetProperty("sampled").GetInt32());
        Assert.Equal(1, coverage.GetProperty("exempt").GetInt32());
        var missing = coverage.GetProperty("missing").EnumerateArray().Select(m => m.GetProperty("residentId").GetGuid()).ToHashSet();
        Assert.Equal(expected.Count - 6, missing.Count);
        Assert.DoesNotContain(exempted.Id, missing);
        Assert.All(living.Where(r => r.Status == ResidenceStatus.Away), r => Assert.DoesNotContain(r.Id, missing));

        var audit = await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.EntityType == "Exemption" && a.Changes!.Contains("长海医院")));
        Assert.True(audit);
    }

    [Fact]
    public async Task ACompoundOrBuildingFilterCountsOnlyThePeopleTheRoundCovers()
    {
        var commander = await app.ApiAsync("commander");
        var (compound, neighborhood, building, inCompound, inBuilding) = await app.DbAsync(async db =>
        {
            var c = await db.Compounds.SingleAsync(x => x.Name == DemoData.BigCompound);
            var b = await db.Buildings.SingleAsync(x => x.CompoundId == c.Id && x.Number == "7号");
            var living = db.Residents.Where(r => r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant);
            return (c.Id, c.NeighborhoodId, b.Id, await living.CountAsync(r => r.CompoundId == c.Id), await living.CountAsync(r => r.BuildingId == b.Id));
        });
        Assert.True(inCompound > inBuilding && inBuilding > 0);

        // A round of one building, asked about the whole compound: only that building is expected.
        var buildingRound = await CreateAsync(commander, new { name = "7号楼", buildingIds = new[] { building } });
        var byCompound = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{buildingRound}/coverage?compoundId={compound}");
        Assert.Equal(inBuilding, byCompound.GetProperty("expected").GetInt32());
        Assert.Equal(inBuilding, byCompound.GetProperty("missing").GetArrayLength());

        // A round of the neighborhood, asked about one compound and one building of it.
        var neighborhoodRound = await CreateAsync(commander, new { name = "全居委", neighborhoodIds = new[] { neighborhood } });
        var compoundCoverage = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{neighborhoodRound}/coverage?compoundId={compound}");
        Assert.Equal(inCompound, compoundCoverage.GetProperty("expected").GetInt32());
        var buildingCoverage = await commander.GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{neighborhoodRound}/coverage?buildingId={building}");
        Assert.Equal(inBuilding, buildingCoverage.GetProperty("expected").GetInt32());
        Assert.All(buildingCoverage.GetProperty("missing").EnumerateArray(), m => Assert.StartsWith("7", m.GetProperty("address").GetString(), StringComparison.Ordinal));
    }

    private static async Task<Guid> CreateAsync(HttpClient commander, object body)
    {
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task AVolunteerSeesMissingPeopleOfTheirCompoundOnly()
    {
        var commander = await app.ApiAsync("commander");
        var compounds = await app.DbAsync(db => db.Compounds.Where(c => c.Name == DemoData.BigCompound || c.Name == DemoData.OtherCompound).Select(c => c.Id).ToListAsync());
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "两个小区", compoundIds = compounds });
        var round = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var volunteer = await app.ApiAsync("volunteer");
        var coverage = await volunteer.GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{round}/coverage");
        var compoundsSeen = coverage.GetProperty("missing").EnumerateArray().Select(m => m.GetProperty("compound").GetString()).Distinct();
        Assert.Equal([DemoData.BigCompound], compoundsSeen);
        Assert.All(coverage.GetProperty("missing").EnumerateArray().Select(m => m.GetProperty("phone")).Where(p => p.ValueKind == JsonValueKind.String),
            p => Assert.Contains("****", p.GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnExemptionNeedsAReason()
    {
        var commander = await app.ApiAsync("commander");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var resident = await app.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Sampling.Quiet)).Select(r => r.Id).FirstAsync());
        var response = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/exemptions", new { residentId = resident, kind = "Other", note = "" });
        Assert.Equal("exemption_reason_missing", await Sampling.CodeOfAsync(response));
        Assert.False(await app.DbAsync(db => db.Exemptions.AnyAsync(e => e.RoundId == round)));
    }
}

// Uses 中原小区 alone: a positive pool changes how its members may be sampled afterwards.
public sealed class LabAndRecallTests(DemoApp app)
{
    private const string Compound = "中原小区";

    [Fact]
    public async Task APositivePoolRecallsItsMembersToSingleTubesAndResultsAreIdempotent()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Compound);
        var codes = await Sampling.CodesAsync(app, Compound, 13);
        var positive = Sampling.Tube();
        var negative = Sampling.Tube();
        for (var i = 0; i < 10; i++)
        {
            await Sampling.RegisterAsync(sampler, round, codes[i], positive);
        }

        await Sampling.RegisterAsync(sampler, round, codes[10], negative);
        await sampler.PostAsync($"/api/v1/sampling/tubes/{negative}/seal", null);

        var results = new[]
        {
            new { tubeCode = positive, result = "阳性", reportedAt = DateTime.UtcNow },
            new { tubeCode = negative, result = "negative", reportedAt = DateTime.UtcNow },
            new { tubeCode = "NOSUCHTUBE", result = "negative", reportedAt = DateTime.UtcNow },
        };
        var report = await (await commander.PostAsJsonAsync("/api/v1/lab/results", results)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, report.GetProperty("applied").GetInt32());
        Assert.Equal(["NOSUCHTUBE"], report.GetProperty("unknownTubes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, report.GetProperty("positivePools").GetInt32());

        var again = await (await commander.PostAsJsonAsync("/api/v1/lab/results", results)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("applied").GetInt32());
        Assert.Equal(2, again.GetProperty("unchanged").GetInt32());

        var recall = await commander.GetFromJsonAsync<List<JsonElement>>($"/api/v1/testing/rounds/{round}/recall");
        Assert.Equal(10, recall!.Count);
        Assert.All(recall, r => Assert.Equal(positive, r.GetProperty("tubeCode").GetString()));
        Assert.All(recall, r => Assert.Matches("^1[3-9][0-9]{9}$|^$", r.GetProperty("phone").GetString() ?? ""));

        // A recalled person cannot go into a pooled tube of a new round; the recall round takes single tubes.
        var next = await Sampling.OpenRoundAsync(app, commander, Compound);
        var pooled = await Sampling.RegisterAsync(sampler, next, codes[0], Sampling.Tube());
        Assert.Equal("single_tube_required", await Sampling.CodeOfAsync(pooled));
        var recallRound = await app.DbAsync(db => db.TestingRounds.Where(r => r.RecallOf == round).Select(r => r.Id).SingleAsync());
        var single = Sampling.Tube();
        Assert.Equal(HttpStatusCode.Created, (await Sampling.RegisterAsync(sampler, recallRound, codes[0], single)).StatusCode);
        Assert.Equal("tube_sealed", await Sampling.CodeOfAsync(await Sampling.RegisterAsync(sampler, recallRound, codes[1], single)));

        // The grid and the commander's tile know.
        var home = await (await app.PagesAsync("commander")).PageAsync("/");
        Assert.Contains("48 小时阳性管", home.Body!.TextContent, StringComparison.Ordinal);

        // A positive single tube makes the person a positive case.
        var singleResult = await (await commander.PostAsJsonAsync("/api/v1/lab/results", new[] { new { tubeCode = single, result = "positive", reportedAt = DateTime.UtcNow } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, singleResult.GetProperty("positiveSingles").GetInt32());
        var personId = recall.Select(r => r.GetProperty("residentId").GetGuid()).ToList();
        Assert.True(await app.DbAsync(db => db.PositiveCases.AnyAsync(c => personId.Contains(c.ResidentId))));
    }

    [Fact]
    public async Task ALabFileIsReadAndUnknownTubesAreReportedBack()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Compound);
        var codes = await Sampling.CodesAsync(app, Compound, 40);
        var tube = Sampling.Tube();
        await Sampling.RegisterAsync(sampler, round, codes[^1], tube);
        (await sampler.PostAsync($"/api/v1/sampling/tubes/{tube}/seal", null)).EnsureSuccessStatusCode();
        var csv = System.Text.Encoding.UTF8.GetBytes($"检测机构,某实验室\n管码,结果,报告时间\n{tube},阴性,2022-03-07 20:00\nUNKNOWN1,阴性,2022-03-07 20:00\n{tube.ToLowerInvariant()},阴性,2022-03-07 20:00\n,阴性,\n");
        var response = await commander.PostAsync("/api/v1/lab/results/file", Cordon.Tests.Features.Ledger.ImportTests.File(csv, "lab.csv"));
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, report.GetProperty("applied").GetInt32());
        Assert.Equal(1, report.GetProperty("unchanged").GetInt32());
        Assert.Equal(["UNKNOWN1"], report.GetProperty("unknownTubes").EnumerateArray().Select(e => e.GetString()));
        // The blank tube code is where the spreadsheet program shows it (row 6), with the reason in both languages.
        var problem = Assert.Single(report.GetProperty("invalid").EnumerateArray());
        Assert.Equal(6, problem.GetProperty("row").GetInt32());
        Assert.Equal("tube_code_invalid", problem.GetProperty("code").GetString());
        Assert.Contains("试管条码无效", problem.GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.Contains("tube barcode", problem.GetProperty("en").GetString(), StringComparison.Ordinal);

        // The lab wrote 20:00 in Shanghai: 12:00 UTC.
        var stored = await app.DbAsync(db => db.Tubes.Where(t => t.Code == tube).Select(t => t.ResultAt).SingleAsync());
        Assert.Equal(new DateTime(2022, 3, 7, 12, 0, 0, DateTimeKind.Utc), stored);
    }

    [Fact]
    public async Task TheResidentPageShowsTheirTests()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Compound);
        var code = (await Sampling.CodesAsync(app, Compound, 30))[25];
        var tube = Sampling.Tube();
        await Sampling.RegisterAsync(sampler, round, code, tube);
        var resident = await app.DbAsync(db => db.Residents.Where(r => r.SamplingCode == code).Select(r => r.Id).SingleAsync());
        var page = await (await app.PagesAsync("commander")).PageAsync($"/Ledger/Residents/{resident}");
        Assert.Contains(tube, page.Body!.TextContent, StringComparison.Ordinal);
    }
}
