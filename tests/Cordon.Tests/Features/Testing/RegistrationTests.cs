using System.Net;
using Cordon.Features.Testing;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Tests.Features.Testing;

// Recall tests make pools positive, which changes how those people may be sampled: they use
// 中原小区 only; these tests use the other compounds.
public sealed class RegistrationTests(DemoApp app)
{
    [Fact]
    public async Task ASampleIsRegisteredAndThePoolFills()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var codes = await Sampling.CodesAsync(app, Sampling.Quiet, 3);
        var tube = Sampling.Tube();

        var first = await Sampling.RegisterAsync(sampler, round, codes[0], tube);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var record = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, record.GetProperty("position").GetInt32());
        Assert.Equal(10, record.GetProperty("capacity").GetInt32());
        Assert.Contains("*", record.GetProperty("name").GetString(), StringComparison.Ordinal);

        var second = await Sampling.RegisterAsync(sampler, round, codes[1], tube);
        Assert.Equal(2, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("position").GetInt32());
    }

    [Fact]
    public async Task ReplayedSampleIsStoredOnce()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var code = (await Sampling.CodesAsync(app, Sampling.Quiet, 1))[0];
        var tube = Sampling.Tube();
        var id = Guid.NewGuid();
        var takenAt = DateTime.UtcNow.AddMinutes(-3).ToString("O");
        var body = new { id, roundId = round, samplingCode = code, tubeCode = tube, takenAt };

        var first = await sampler.PostAsJsonAsync("/api/v1/sampling/records", body);
        var again = await sampler.PostAsJsonAsync("/api/v1/sampling/records", body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recordedAt").GetDateTime(),
            (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recordedAt").GetDateTime());
        Assert.Equal(1, await app.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));

        var changed = await sampler.PostAsJsonAsync("/api/v1/sampling/records", body with { tubeCode = Sampling.Tube() });
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Equal("client_id_conflict", await Sampling.CodeOfAsync(changed));
    }

    [Fact]
    public async Task AnIdTakenInAnotherSubdistrictIsAConflictThatRevealsNothing()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var code = (await Sampling.CodesAsync(app, Sampling.Quiet, 1))[0];
        var body = new { id = Guid.NewGuid(), roundId = round, samplingCode = code, tubeCode = Sampling.Tube(), takenAt = DateTime.UtcNow.AddMinutes(-1).ToString("O") };
        Assert.Equal(HttpStatusCode.Created, (await sampler.PostAsJsonAsync("/api/v1/sampling/records", body)).StatusCode);

        // The same body from a sampler of another sub-district: not a replay, and not a way to read the record.
        var name = "other-sampler-" + Guid.NewGuid().ToString("N")[..6];
        await app.ScopeAsync(async s =>
        {
            var db = s.GetRequiredService<Cordon.Platform.Data.CordonDb>();
            var other = new Cordon.Platform.Data.Subdistrict { Name = "殷行街道" + name, DivisionCode = "310110" };
            db.Subdistricts.Add(other);
            await db.SaveChangesAsync();
            var users = s.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Cordon.Platform.Auth.CordonUser>>();
            var user = new Cordon.Platform.Auth.CordonUser { UserName = name, DisplayName = name, SubdistrictId = other.Id };
            await users.CreateAsync(user, CordonApp.Password);
            await users.AddToRoleAsync(user, Cordon.Platform.Auth.Roles.Sampler);
            return true;
        });
        var stranger = await app.ApiAsync(name);
        var response = await stranger.PostAsJsonAsync("/api/v1/sampling/records", body);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("client_id_conflict", await Sampling.CodeOfAsync(response));
        Assert.DoesNotContain(code, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await app.DbAsync(db => db.SampleRecords.CountAsync(r => r.Id == body.id)));
    }

    [Fact]
    public async Task ASecondSampleOfTheSamePersonSaysWhenAndWhere()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var code = (await Sampling.CodesAsync(app, Sampling.Quiet, 1))[0];
        await Sampling.RegisterAsync(sampler, round, code, Sampling.Tube());

        var again = await Sampling.RegisterAsync(sampler, round, code, Sampling.Tube());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("already_sampled", problem.GetProperty("code").GetString());
        Assert.Equal("sampler", problem.GetProperty("details").GetProperty("sampler").GetString());
        Assert.Contains("本轮已采样", problem.GetProperty("zh").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFullTubeIsSealedAndRefusesAnEleventh()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound);
        var codes = await Sampling.CodesAsync(app, DemoData.BigCompound, 11);
        var tube = Sampling.Tube();
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Sampling.RegisterAsync(sampler, round, codes[i], tube)).StatusCode);
        }

        var eleventh = await Sampling.RegisterAsync(sampler, round, codes[10], tube);
        Assert.Equal("tube_sealed", await Sampling.CodeOfAsync(eleventh));
        var status = await sampler.GetFromJsonAsync<JsonElement>($"/api/v1/sampling/tubes/{tube}");
        Assert.True(status.GetProperty("sealed").GetBoolean());
        Assert.Equal(10, status.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task TwentySamplersRacingForOneTubeFillItExactly()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound);
        var codes = await Sampling.CodesAsync(app, DemoData.BigCompound, 20);
        var tube = Sampling.Tube();
        var responses = await Task.WhenAll(codes.Select(c => Sampling.RegisterAsync(sampler, round, c, tube)));
        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode));
        var positions = await app.DbAsync(db => db.SampleRecords.Where(r => r.TubeCode == tube).Select(r => r.Position).OrderBy(p => p).ToListAsync());
        Assert.Equal(Enumerable.Range(1, 10), positions);
    }

    [Fact]
    public async Task SealingEarlyClosesTheTube()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var codes = await Sampling.CodesAsync(app, Sampling.Quiet, 2);
        var tube = Sampling.Tube();
        await Sampling.RegisterAsync(sampler, round, codes[0], tube);
        var sealedTube = await sampler.PostAsync($"/api/v1/sampling/tubes/{tube}/seal", null);
        Assert.Equal(HttpStatusCode.OK, sealedTube.StatusCode);
        Assert.Equal("tube_sealed", await Sampling.CodeOfAsync(await Sampling.RegisterAsync(sampler, round, codes[1], tube)));
    }

    [Fact]
    public async Task ATubeFromAnotherRoundIsRefused()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var first = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var second = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var codes = await Sampling.CodesAsync(app, Sampling.Quiet, 2);
        var tube = Sampling.Tube();
        await Sampling.RegisterAsync(sampler, first, codes[0], tube);
        Assert.Equal("tube_other_round", await Sampling.CodeOfAsync(await Sampling.RegisterAsync(sampler, second, codes[1], tube)));
    }

    [Fact]
    public async Task APersonOutsideTheScopeNeedsAVisitorReason()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var outsider = (await Sampling.CodesAsync(app, DemoData.BigCompound, 1))[0];

        var refused = await Sampling.RegisterAsync(sampler, round, outsider, Sampling.Tube());
        Assert.Equal("outside_scope", await Sampling.CodeOfAsync(refused));
        var allowed = await Sampling.RegisterAsync(sampler, round, outsider, Sampling.Tube(), extra: new { outOfScopeReason = "来探望父母" });
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task NothingIsRegisteredInARoundThatIsNotOpen()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var compoundId = await app.DbAsync(db => db.Compounds.Where(c => c.Name == Sampling.Quiet).Select(c => c.Id).SingleAsync());
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "计划中", compoundIds = new[] { compoundId } });
        var round = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var code = (await Sampling.CodesAsync(app, Sampling.Quiet, 1))[0];
        Assert.Equal("round_not_open", await Sampling.CodeOfAsync(await Sampling.RegisterAsync(sampler, round, code, Sampling.Tube())));

        await commander.PostAsync($"/api/v1/testing/rounds/{round}/open", null);
        await commander.PostAsync($"/api/v1/testing/rounds/{round}/close", null);
        Assert.Equal("round_not_open", await Sampling.CodeOfAsync(await Sampling.RegisterAsync(sampler, round, code, Sampling.Tube())));
        Assert.Equal(0, await app.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));
    }

    [Theory]
    [InlineData("RZZZZZZZZZZ", "person_not_found")]
    [InlineData("", "person_missing")]
    public async Task UnknownPeopleAreRefused(string code, string expected)
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        Assert.Equal(expected, await Sampling.CodeOfAsync(await Sampling.RegisterAsync(sampler, round, code, Sampling.Tube())));
    }

    [Fact]
    public async Task AResidentCanBeRegisteredByTheirIdNumber()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var number = await app.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Sampling.Quiet)
            && r.DocumentType == DocumentType.IdCard && r.Status == Cordon.Platform.People.ResidenceStatus.Resident).OrderByDescending(r => r.Id).Select(r => r.DocumentNumber!).FirstAsync());
        var response = await sampler.PostAsJsonAsync("/api/v1/sampling/records",
            new { id = Guid.NewGuid(), roundId = round, documentNumber = number.ToLowerInvariant(), tubeCode = Sampling.Tube(), takenAt = DateTime.UtcNow });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task AVisitorIsRegisteredFlaggedForTheLedgerAndSampled()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var visitor = await sampler.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/visitors",
            new { name = "访客甲", phone = "13900001111", documentNumber = Cordon.Tests.Features.Ledger.ImportTests.NextId(), reason = "看望 3号-2-101 的亲戚" });
        Assert.Equal(HttpStatusCode.Created, visitor.StatusCode);
        var code = (await visitor.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("samplingCode").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await Sampling.RegisterAsync(sampler, round, code, Sampling.Tube())).StatusCode);
        Assert.True(await app.DbAsync(db => db.Visitors.AnyAsync(v => v.SamplingCode == code && v.FlaggedForLedger)));

        var badVisitor = await sampler.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/visitors", new { name = "<img src=x>", reason = "x" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badVisitor.StatusCode);
    }

    [Fact]
    public async Task VolunteersCannotRegisterSamplesOrCreateRounds()
    {
        var volunteer = await app.ApiAsync("volunteer");
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.PostAsJsonAsync("/api/v1/sampling/records", new { id = Guid.NewGuid() })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "x" })).StatusCode);
    }

    [Theory]
    [InlineData(7, "pool_size_invalid")]
    [InlineData(10, "scope_empty")]
    public async Task ARoundNeedsAValidPoolAndAScope(int pool, string code)
    {
        var commander = await app.ApiAsync("commander");
        var compoundId = await app.DbAsync(db => db.Compounds.Where(c => c.Name == Sampling.Quiet).Select(c => c.Id).SingleAsync());
        var response = await commander.PostAsJsonAsync("/api/v1/testing/rounds",
            new { name = "x", compoundIds = code == "scope_empty" ? Array.Empty<Guid>() : [compoundId], poolSize = pool });
        Assert.Equal(code, await Sampling.CodeOfAsync(response));
    }

    [Fact]
    public async Task StaffCannotMakeARoundForACompoundOutsideTheirJurisdiction()
    {
        var staff = await app.ApiAsync("staff");
        var compoundId = await app.DbAsync(db => db.Compounds.Where(c => c.Name == DemoData.OtherCompound).Select(c => c.Id).SingleAsync());
        var response = await staff.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "越权", compoundIds = new[] { compoundId } });
        Assert.Equal("scope_empty", await Sampling.CodeOfAsync(response));
    }
}
