using System.Net;
using Cordon.Features.Testing;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Testing;

public sealed class SyncTests(DemoApp app)
{
    [Fact]
    public async Task ABatchIsAnsweredItemByItemAndSendingItAgainStoresNothingTwice()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound);
        var codes = await Sampling.CodesAsync(app, DemoData.BigCompound, 12);
        var tube = Sampling.Tube();
        var device = Guid.NewGuid().ToString("N");
        var batch = codes.Select((code, i) => new
        {
            id = Guid.NewGuid(),
            roundId = round,
            samplingCode = code,
            tubeCode = tube,
            takenAt = DateTime.UtcNow.AddMinutes(-30 + i),
            deviceId = device,
            deviceSequence = (long)(i + 1),
        }).ToList();

        var first = await sampler.PostAsJsonAsync("/api/v1/sampling/records:batch", batch);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var results = await first.Content.ReadFromJsonAsync<List<JsonElement>>();
        Assert.Equal(Enumerable.Repeat(201, 10).Concat([422, 422]), results!.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal("tube_sealed", results![10].GetProperty("code").GetString());

        // A cut-off sync sends everything again: the ten stored come back 200, the refused stay refused.
        var again = await (await sampler.PostAsJsonAsync("/api/v1/sampling/records:batch", batch)).Content.ReadFromJsonAsync<List<JsonElement>>();
        Assert.Equal(Enumerable.Repeat(200, 10).Concat([422, 422]), again!.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal(10, await app.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));

        // The two refused ones wait in the supervisors' inbox, once each.
        var ids = batch.Skip(10).Select(b => b.id).ToList();
        Assert.Equal(2, await app.DbAsync(db => db.SyncConflicts.CountAsync(c => ids.Contains(c.Id))));
    }

    [Fact]
    public async Task TheSameBatchFromTwoTabsAtOnceIsStoredOnce()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound);
        var codes = await Sampling.CodesAsync(app, DemoData.BigCompound, 20);
        var batch = codes.Select((code, i) => new
        {
            id = Guid.NewGuid(),
            roundId = round,
            samplingCode = code,
            tubeCode = i < 10 ? "A" + round.ToString("N")[..10] : "B" + round.ToString("N")[..10],
            takenAt = DateTime.UtcNow,
        }).ToList();
        var responses = await Task.WhenAll(
            sampler.PostAsJsonAsync("/api/v1/sampling/records:batch", batch),
            sampler.PostAsJsonAsync("/api/v1/sampling/records:batch", batch));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var statuses = (await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<List<JsonElement>>())))
            .SelectMany(r => r!).Select(r => r.GetProperty("status").GetInt32()).ToList();
        Assert.Equal(20, statuses.Count(s => s == 201));
        Assert.Equal(20, statuses.Count(s => s == 200));
        Assert.Equal(20, await app.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));
    }

    [Fact]
    public async Task ASupervisorResolvesAConflictIntoAnotherTube()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound);
        var codes = await Sampling.CodesAsync(app, DemoData.BigCompound, 2);
        var single = Sampling.Tube();

        // Two devices used the same single tube while offline.
        var batch = new[]
        {
            new { id = Guid.NewGuid(), roundId = round, samplingCode = codes[0], tubeCode = single, takenAt = DateTime.UtcNow, single = true },
            new { id = Guid.NewGuid(), roundId = round, samplingCode = codes[1], tubeCode = single, takenAt = DateTime.UtcNow, single = true },
        };
        var results = await (await sampler.PostAsJsonAsync("/api/v1/sampling/records:batch", batch)).Content.ReadFromJsonAsync<List<JsonElement>>();
        Assert.Equal(422, results![1].GetProperty("status").GetInt32());

        var pages = await app.PagesAsync("commander");
        var page = await pages.PageAsync($"/Conflicts?scope={round}");
        var name = await app.DbAsync(db => db.Residents.Where(r => r.SamplingCode == codes[1]).Select(r => r.Name).SingleAsync());
        Assert.Contains(name, page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains("重新登记", page.Body!.TextContent, StringComparison.Ordinal);
        var resolved = await pages.SubmitAsync($"/Conflicts?scope={round}",
            new() { ["id"] = batch[1].id.ToString(), ["correction"] = Sampling.Tube() }, $"form[action*='handler=Retry']:has(input[value='{batch[1].id}'])");
        Assert.Equal(HttpStatusCode.Redirect, resolved.StatusCode);
        Assert.Equal(2, await app.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round)));
        var conflict = await app.DbAsync(db => db.SyncConflicts.SingleAsync(c => c.Id == batch[1].id));
        Assert.Equal(Cordon.Platform.Offline.ConflictStatus.Resolved, conflict.Status);
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.EntityType == "SyncConflict" && a.EntityId == conflict.Id.ToString() && a.Action == "update")));
    }

    [Fact]
    public async Task TheRosterCarriesMaskedNamesAndFlatsOnly()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var code = (await Sampling.CodesAsync(app, Sampling.Quiet, 1))[0];
        await Sampling.RegisterAsync(sampler, round, code, Sampling.Tube());

        var roster = await sampler.GetStringAsync($"/api/v1/testing/rounds/{round}/roster");
        var json = JsonDocument.Parse(roster).RootElement;
        var people = json.GetProperty("people").EnumerateArray().ToList();
        var expected = await app.DbAsync(db => db.Residents.CountAsync(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Sampling.Quiet)
            && (r.Status == Cordon.Platform.People.ResidenceStatus.Resident || r.Status == Cordon.Platform.People.ResidenceStatus.Tenant)));
        Assert.Equal(expected, people.Count);
        Assert.All(people, p => Assert.Contains("*", p.GetProperty("name").GetString(), StringComparison.Ordinal));
        Assert.Contains(code, json.GetProperty("sampled").EnumerateArray().Select(s => s.GetString()));
        Assert.DoesNotMatch("[0-9]{17}[0-9X]", roster);
        Assert.DoesNotMatch("1[3-9][0-9]{9}", roster);
    }
}

public sealed class SaturationTests
{
    [Fact]
    public async Task PastSaturationTheServerAnswers503WithRetryAfterInsteadOfTimingOut()
    {
        await using var app = new CordonApp().With("Cordon:Sampling:QueueCapacity", "1").With("Cordon:Sampling:MaxBatch", "1");
        await app.InitializeAsync();
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound);
        var codes = await Sampling.CodesAsync(app, DemoData.BigCompound, 200);
        var responses = await Task.WhenAll(codes.Select(c => Sampling.RegisterAsync(sampler, round, c, Sampling.Tube(), extra: new { single = false })));
        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, r => Assert.Equal("1", r.Headers.GetValues("Retry-After").Single()));
        var stored = await app.DbAsync(db => db.SampleRecords.CountAsync(r => r.RoundId == round));
        Assert.Equal(responses.Count(r => r.StatusCode == HttpStatusCode.Created), stored);
    }
}
