using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Features.Testing;
using Cordon.Platform.Audit;
using Cordon.Platform.Offline;
using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Testing;

/// <summary>The outside probe's findings about testing, each as the requirement it broke (issue 9).</summary>
public sealed class PrivacyTests(DemoApp app)
{
    private const string Elsewhere = "中原小区";

    [Fact]
    public async Task RosterHoldsOnlyTheCallersJurisdiction()
    {
        var commander = await app.ApiAsync("commander");
        var neighborhoods = (await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/ledger/compounds"))!
            .Select(c => c.GetProperty("neighborhoodId").GetGuid()).Distinct().ToArray();
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "全街道 " + Guid.NewGuid().ToString("N")[..4], neighborhoodIds = neighborhoods });
        var round = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await commander.PostAsync($"/api/v1/testing/rounds/{round}/open", null)).EnsureSuccessStatusCode();

        // Other tests add residents meanwhile: the roster lies between the ledger before and after it was read.
        var staff = await app.ApiAsync("staff");
        var theirsBefore = await LivingCodesAsync(n => n == DemoData.StaffNeighborhood);
        var roster = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{round}/roster");
        var theirs = await LivingCodesAsync(n => n == DemoData.StaffNeighborhood);
        var others = await LivingCodesAsync(n => n != DemoData.StaffNeighborhood);
        var codes = roster.GetProperty("people").EnumerateArray().Select(p => p.GetProperty("code").GetString()!).ToHashSet();
        Assert.Subset(codes, theirsBefore);
        Assert.Subset(theirs, codes);
        Assert.Empty(codes.Intersect(others));

        // A person is a code, a name, a flat and "single tube or not": nothing says why.
        Assert.All(roster.GetProperty("people").EnumerateArray(), p =>
            Assert.Equal(["address", "code", "name", "single"], p.EnumerateObject().Select(f => f.Name).Order(StringComparer.Ordinal)));

        // The sampler, whose jurisdiction is the whole sub-district, gets everyone; each download is audited.
        var sampler = await app.ApiAsync("sampler");
        var all = (await sampler.GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{round}/roster")).GetProperty("people").EnumerateArray()
            .Select(p => p.GetProperty("code").GetString()!).ToHashSet();
        Assert.Subset(all, theirs);
        Assert.Subset(all, others.Where(o => !o.StartsWith('V')).ToHashSet());
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.Action == AuditAction.Read && a.EntityId == "sampling-roster" && a.UserName == "staff")));
    }

    [Fact]
    public async Task AConflictNeverKeepsAFullIdNumber()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Elsewhere);
        (await commander.PostAsync($"/api/v1/testing/rounds/{round}/close", null)).EnsureSuccessStatusCode();
        var number = await app.DbAsync(db => db.Residents.Where(r => r.DocumentType == DocumentType.IdCard && r.DocumentNumber != null
            && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Elsewhere)).OrderByDescending(r => r.Id).Select(r => r.DocumentNumber!).FirstAsync());
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var batch = ids.Select(id => new { id, roundId = round, documentNumber = number, tubeCode = Sampling.Tube(), takenAt = DateTime.UtcNow }).ToArray();
        var results = await (await sampler.PostAsJsonAsync("/api/v1/sampling/records:batch", batch)).Content.ReadFromJsonAsync<List<JsonElement>>();
        Assert.All(results!, r => Assert.Equal("round_not_open", r.GetProperty("code").GetString()));

        var conflicts = await app.DbAsync(db => db.SyncConflicts.AsNoTracking().Where(c => ids.Contains(c.Id)).ToListAsync());
        Assert.Equal(2, conflicts.Count);
        Assert.All(conflicts, c =>
        {
            Assert.DoesNotContain(number, c.Payload, StringComparison.Ordinal);
            Assert.Equal(number[0] + new string('*', 16) + number[^1], c.SubjectMasked);
            Assert.Matches("^[0-9A-F]{32}$", c.SubjectHash!);
        });

        // The same number gives the same pseudonym, so a person can match the two later.
        Assert.Equal(conflicts[0].SubjectHash, conflicts[1].SubjectHash);
        var audit = await app.DbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.EntityType == nameof(SyncConflict)).Select(a => a.Changes ?? "").ToListAsync());
        Assert.DoesNotContain(audit, a => a.Contains(number, StringComparison.Ordinal));

        var inbox = await (await app.PagesAsync("commander")).Http.GetStringAsync($"/Conflicts?scope={round}");
        Assert.DoesNotContain(number, inbox, StringComparison.Ordinal);
        Assert.Contains(conflicts[0].SubjectMasked!, inbox, StringComparison.Ordinal);
        var admin = await (await app.PagesAsync("admin")).Http.GetStringAsync("/Audit?EntityType=SyncConflict");
        Assert.DoesNotContain(number, admin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResultsComeFromALabAndAPositiveToNegativeCorrectionKeepsTheRecallUntilACommanderConfirms()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var lab = await app.ApiAsync("lab");
        var staff = await app.ApiAsync("staff");
        var round = await Sampling.OpenRoundAsync(app, commander, Elsewhere);
        var codes = await app.DbAsync(db => db.Residents
            .Where(r => (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant) && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Elsewhere))
            .OrderByDescending(r => r.Id).Skip(20).Select(r => r.SamplingCode).Take(10).ToListAsync());
        var tube = Sampling.Tube();
        foreach (var code in codes)
        {
            Assert.Equal(HttpStatusCode.Created, (await Sampling.RegisterAsync(sampler, round, code, tube)).StatusCode);
        }

        // Staff no longer report results; the lab does.
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync("/api/v1/lab/results", new[] { new { tubeCode = tube, result = "negative" } })).StatusCode);
        var positive = await Report(lab, tube, "positive", null);
        Assert.Equal(1, positive.GetProperty("positivePools").GetInt32());
        Assert.Equal(10, (await commander.GetFromJsonAsync<List<JsonElement>>($"/api/v1/testing/rounds/{round}/recall"))!.Count);

        // A changed result needs a reason, and away from positive it waits for a commander.
        var silent = await Report(lab, tube, "negative", null);
        Assert.Equal("correction_reason_missing", Assert.Single(silent.GetProperty("invalid").EnumerateArray()).GetProperty("code").GetString());
        var corrected = await Report(lab, tube, "negative", "复测阴性，原结果为录入错误");
        Assert.Equal(1, corrected.GetProperty("awaitingConfirmation").GetInt32());
        Assert.Equal(TubeResult.Positive, await app.DbAsync(db => db.Tubes.Where(t => t.Code == tube).Select(t => t.Result).SingleAsync()));
        Assert.Equal(10, (await commander.GetFromJsonAsync<List<JsonElement>>($"/api/v1/testing/rounds/{round}/recall"))!.Count);

        // The lab cannot confirm its own correction; a commander can.
        var pending = (await lab.GetFromJsonAsync<List<JsonElement>>("/api/v1/lab/corrections"))!.First(c => c.GetProperty("tubeCode").GetString() == tube);
        var id = pending.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await lab.PostAsync($"/api/v1/lab/corrections/{id}/confirm", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await commander.PostAsync($"/api/v1/lab/corrections/{id}/confirm", null)).StatusCode);
        Assert.Equal(TubeResult.Negative, await app.DbAsync(db => db.Tubes.Where(t => t.Code == tube).Select(t => t.Result).SingleAsync()));
        Assert.Empty((await commander.GetFromJsonAsync<List<JsonElement>>($"/api/v1/testing/rounds/{round}/recall"))!);

        // The change is on the tube's people's history and in the audit log, with its reason.
        var resident = await app.DbAsync(db => db.Residents.Where(r => r.SamplingCode == codes[0]).Select(r => r.Id).SingleAsync());
        var history = await (await app.PagesAsync("commander")).Http.GetStringAsync($"/Ledger/Residents/{resident}");
        Assert.Contains("复测阴性，原结果为录入错误", history, StringComparison.Ordinal);
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.EntityType == nameof(Tube) && a.Reason == "复测阴性，原结果为录入错误")));
    }

    [Fact]
    public async Task LabResultsAttachToSealedTubesOnly()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var codes = await Sampling.CodesAsync(app, Sampling.Quiet, 2);
        var tube = Sampling.Tube();
        await Sampling.RegisterAsync(sampler, round, codes[0], tube);
        var report = await Report(commander, tube, "negative", null);
        Assert.Equal("tube_not_sealed", Assert.Single(report.GetProperty("invalid").EnumerateArray()).GetProperty("code").GetString());
        Assert.Equal(TubeResult.Pending, await app.DbAsync(db => db.Tubes.Where(t => t.Code == tube).Select(t => t.Result).SingleAsync()));

        // A null among the lab's items is that row's problem only.
        var mixed = await commander.PostAsync("/api/v1/lab/results", new StringContent("[null, {\"tubeCode\":\"NOSUCH1\",\"result\":\"negative\"}]", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, mixed.StatusCode);
        var body = await mixed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("item_invalid", body.GetProperty("invalid")[0].GetProperty("code").GetString());
        Assert.Equal(["NOSUCH1"], body.GetProperty("unknownTubes").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ARegistrationByIdNumberLearnsNothingOutsideTheRound()
    {
        var staff = await app.ApiAsync("staff");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, staff, "国定路400弄");
        var outside = await app.DbAsync(db => db.Residents.Where(r => r.DocumentType == DocumentType.IdCard && r.DocumentNumber != null
            && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Elsewhere)).Select(r => new { r.DocumentNumber, r.Name }).FirstAsync());

        async Task<string> AnswerAsync(string number, string? reason)
        {
            var response = await sampler.PostAsJsonAsync("/api/v1/sampling/records", new { id = Guid.NewGuid(), roundId = round, documentNumber = number, tubeCode = Sampling.Tube(), outOfScopeReason = reason });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(outside.Name, text, StringComparison.Ordinal);
            Assert.DoesNotContain("details", text, StringComparison.Ordinal);
            return JsonDocument.Parse(text).RootElement.GetProperty("code").GetString()!;
        }

        // Someone who lives elsewhere and someone who does not exist get the same answer, reason or not.
        Assert.Equal("person_not_in_round", await AnswerAsync(outside.DocumentNumber!, null));
        Assert.Equal("person_not_in_round", await AnswerAsync(outside.DocumentNumber!, "来访亲属"));
        Assert.Equal("person_not_in_round", await AnswerAsync("110101199003070011", null));

        // Inside the round a sampler sees the masked name and the flat.
        var inside = await app.DbAsync(db => db.Residents.Where(r => r.DocumentType == DocumentType.IdCard && r.DocumentNumber != null
            && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant)
            && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == "国定路400弄")).OrderBy(r => r.Id).Select(r => new { r.DocumentNumber, r.Name }).FirstAsync());
        var ok = await sampler.PostAsJsonAsync("/api/v1/sampling/records", new { id = Guid.NewGuid(), roundId = round, documentNumber = inside.DocumentNumber, tubeCode = Sampling.Tube() });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var record = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Names.Mask(inside.Name), record.GetProperty("name").GetString());
        Assert.NotEqual("", record.GetProperty("address").GetString());
    }

    [Fact]
    public async Task OneBadItemNeverFailsOtherSamplers()
    {
        var commander = await app.ApiAsync("commander");
        var round = await Sampling.OpenRoundAsync(app, commander, DemoData.BigCompound);
        var codes = await app.DbAsync(db => db.Residents
            .Where(r => (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant) && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == DemoData.BigCompound))
            .OrderByDescending(r => r.Id).Select(r => r.SamplingCode).Take(200).ToListAsync());
        var samplers = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            samplers.Add(await app.ApiAsync("sampler"));
        }

        var poisoner = await app.ApiAsync("sampler");
        var tubes = Enumerable.Range(0, 20).Select(_ => Sampling.Tube()).ToArray();
        // Honest devices repeat an item the node answered 503 (busy) after its Retry-After, as the offline queue does.
        async Task<HttpResponseMessage> HonestAsync(HttpClient sampler, string code, string tube)
        {
            var id = Guid.NewGuid();
            for (var attempt = 0; ; attempt++)
            {
                var answer = await Sampling.RegisterAsync(sampler, round, code, tube, id);
                if (answer.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
                {
                    return answer;
                }

                await Task.Delay(TimeSpan.FromSeconds(answer.Headers.RetryAfter?.Delta?.TotalSeconds ?? 1));
            }
        }

        var honest = codes.Select((code, i) => HonestAsync(samplers[i % samplers.Count], code, tubes[i / 10])).ToList();
        var poisons = new[]
        {
            "[null]",
            "[null, null, null]",
            "[{\"id\":\"" + Guid.NewGuid() + "\",\"roundId\":\"" + round + "\",\"samplingCode\":\"" + new string('R', 5000) + "\",\"tubeCode\":\"X1\"}]",
            "[{\"id\":\"" + Guid.NewGuid() + "\",\"roundId\":\"" + round + "\",\"samplingCode\":\"R1\",\"tubeCode\":\"X1\",\"deviceId\":\"" + new string('d', 100) + "\"}]",
            "[1, \"two\"]",
            "{\"not\":\"a list\"}",
        }.Select(body => poisoner.PostAsync("/api/v1/sampling/records:batch", new StringContent(body, System.Text.Encoding.UTF8, "application/json"))).ToList();
        var honestAnswers = await Task.WhenAll(honest);
        var poisonAnswers = await Task.WhenAll(poisons);

        var refused = honestAnswers.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK)).ToList();
        var why = await Task.WhenAll(refused.Take(3).Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}"));
        Assert.True(refused.Count == 0, $"{refused.Count} honest items refused: {string.Join(" | ", why)}");
        Assert.Equal(200, await app.DbAsync(db => db.SampleRecords.CountAsync(s => s.RoundId == round)));

        // The poisoned items are refused alone, each with its index and reason; none is a server error.
        var nulls = await poisonAnswers[1].Content.ReadFromJsonAsync<List<JsonElement>>();
        Assert.Equal([0, 1, 2], nulls!.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(nulls!, r => Assert.Equal((400, "item_invalid"), (r.GetProperty("status").GetInt32(), r.GetProperty("code").GetString())));
        var overlong = await poisonAnswers[2].Content.ReadFromJsonAsync<List<JsonElement>>();
        Assert.Equal("field_too_long", overlong![0].GetProperty("code").GetString());
        Assert.Contains("samplingCode", overlong[0].GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, poisonAnswers[4].StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, poisonAnswers[5].StatusCode);
        Assert.All(poisonAnswers, p => Assert.True((int)p.StatusCode < 500));
    }

    [Fact]
    public async Task StaffRunOnlyRoundsWhollyInsideTheirJurisdiction()
    {
        var commander = await app.ApiAsync("commander");
        var staff = await app.ApiAsync("staff");
        var elsewhere = await Sampling.OpenRoundAsync(app, commander, Elsewhere);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsync($"/api/v1/testing/rounds/{elsewhere}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/v1/testing/rounds/{elsewhere}")).StatusCode);
        Assert.Equal(RoundStatus.Open, await app.DbAsync(db => db.TestingRounds.Where(r => r.Id == elsewhere).Select(r => r.Status).SingleAsync()));

        var own = await Sampling.OpenRoundAsync(app, staff, "国定路400弄");
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/v1/testing/rounds/{own}/close", null)).StatusCode);
    }

    [Fact]
    public async Task AClosedRoundIsReopenedOnlyByACommanderWithinADayAndWithAReason()
    {
        var commander = await app.ApiAsync("commander");
        var staff = await app.ApiAsync("staff");
        var round = await Sampling.OpenRoundAsync(app, staff, "国定路400弄");
        (await staff.PostAsync($"/api/v1/testing/rounds/{round}/close", null)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/reopen", new { reason = "误关闭，继续采样" })).StatusCode);
        var noReason = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/reopen", new { reason = ".." });
        Assert.Equal("reason_missing", (await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var reopened = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/reopen", new { reason = "误关闭，继续采样" });
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Equal("open", (await reopened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.EntityType == nameof(TestingRound) && a.EntityId == round.ToString() && a.Reason == "误关闭，继续采样")));

        // A day later it stays closed.
        (await staff.PostAsync($"/api/v1/testing/rounds/{round}/close", null)).EnsureSuccessStatusCode();
        await app.DbAsync(db => db.TestingRounds.Where(r => r.Id == round).ExecuteUpdateAsync(s => s.SetProperty(r => r.ClosedAt, DateTime.UtcNow.AddHours(-25))));
        var late = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/reopen", new { reason = "误关闭，继续采样" });
        Assert.Equal("reopen_too_late", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BulkReadsOfPeopleLeaveOneAuditLineEach()
    {
        var staff = await app.ApiAsync("staff");
        var round = await Sampling.OpenRoundAsync(app, staff, "国定路400弄");
        var before = DateTime.UtcNow.AddSeconds(-1);
        (await staff.GetAsync($"/api/v1/testing/rounds/{round}/coverage")).EnsureSuccessStatusCode();
        (await staff.GetAsync($"/api/v1/testing/rounds/{round}/recall")).EnsureSuccessStatusCode();
        (await staff.GetAsync($"/api/v1/testing/rounds/{round}/roster")).EnsureSuccessStatusCode();
        var pages = await app.PagesAsync("staff");
        (await pages.Http.GetAsync($"/Testing/Rounds/{round}/Missing")).EnsureSuccessStatusCode();

        var reads = await app.DbAsync(db => db.AuditLog.AsNoTracking().Where(a => a.Action == AuditAction.Read && a.UserName == "staff" && a.At >= before).ToListAsync());
        foreach (var what in new[] { "coverage-missing", "recall-list", "sampling-roster", "door-knock-list" })
        {
            var line = Assert.Single(reads, r => r.EntityId == what && r.Changes!.Contains(round.ToString(), StringComparison.Ordinal));
            Assert.Contains("\"rows\":", line.Changes, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheConflictInboxIsBoundedPerDeviceAndShowsTheNewestFirst()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        (await commander.PostAsync($"/api/v1/testing/rounds/{round}/close", null)).EnsureSuccessStatusCode();
        var device = Guid.NewGuid().ToString("N");
        var batch = Enumerable.Range(1, ConflictInbox.MaxOpenPerDevice + 50).Select(i => new
        {
            id = Guid.NewGuid(),
            roundId = round,
            samplingCode = "R0000000000",
            tubeCode = Sampling.Tube(),
            takenAt = DateTime.UtcNow,
            deviceId = device,
            deviceSequence = (long)i,
        }).ToList();
        var results = (await (await sampler.PostAsJsonAsync("/api/v1/sampling/records:batch", batch)).Content.ReadFromJsonAsync<List<JsonElement>>())!;
        Assert.Equal(50, results.Count(r => r.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.Object && d.GetProperty("inbox").GetString() == "conflict_inbox_full"));
        Assert.Equal(ConflictInbox.MaxOpenPerDevice, await app.DbAsync(db => db.SyncConflicts.CountAsync(c => c.DeviceId == device)));

        // The newest conflict is on the inbox's first page, not hidden behind older ones.
        var newest = await app.DbAsync(db => db.SyncConflicts.Where(c => c.DeviceId == device).OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Select(c => c.Id).FirstAsync());
        var page = await (await app.PagesAsync("commander")).Http.GetStringAsync($"/Conflicts?scope={round}");
        Assert.Contains(newest.ToString(), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VisitorsAttachOnlyToCompoundsOfTheRound()
    {
        var commander = await app.ApiAsync("commander");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var other = await app.DbAsync(db => db.Compounds.Where(c => c.Name == Elsewhere).Select(c => c.Id).SingleAsync());
        var own = await app.DbAsync(db => db.Compounds.Where(c => c.Name == Sampling.Quiet).Select(c => c.Id).SingleAsync());
        var refused = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/visitors", new { name = "访客甲", compoundId = other, reason = "探望父母" });
        Assert.Equal("visitor_compound_outside_round", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var accepted = await commander.PostAsJsonAsync($"/api/v1/testing/rounds/{round}/visitors", new { name = "访客乙", compoundId = own, reason = "探望父母" });
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task AResidentMarkedMovedOutCannotBeRegistered()
    {
        var commander = await app.ApiAsync("commander");
        var sampler = await app.ApiAsync("sampler");
        var round = await Sampling.OpenRoundAsync(app, commander, Sampling.Quiet);
        var codes = await app.DbAsync(db => db.Residents
            .Where(r => r.Status == ResidenceStatus.Resident && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Sampling.Quiet))
            .OrderByDescending(r => r.Id).Select(r => r.SamplingCode).Take(2).ToListAsync());

        // The writer knows everyone already (the first sample loads the sub-district); then one of them moves out.
        Assert.Equal(HttpStatusCode.Created, (await Sampling.RegisterAsync(sampler, round, codes[0], Sampling.Tube())).StatusCode);
        await app.DbAsync(async db =>
        {
            var resident = await db.Residents.SingleAsync(r => r.SamplingCode == codes[1]);
            resident.Status = ResidenceStatus.MovedOut;
            await db.SaveChangesAsync();
        });

        var moved = await Sampling.RegisterAsync(sampler, round, codes[1], Sampling.Tube());
        Assert.Equal("person_not_found", await Sampling.CodeOfAsync(moved));
    }

    private static async Task<JsonElement> Report(HttpClient client, string tube, string result, string? reason)
    {
        var response = await client.PostAsJsonAsync("/api/v1/lab/results", new[] { new { tubeCode = tube, result, reportedAt = DateTime.UtcNow, reason } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<HashSet<string>> LivingCodesAsync(Func<string, bool> neighborhood) => app.DbAsync(async db =>
    {
        var demo = await db.Subdistricts.Where(s => s.Name == "五角场街道（演示）").Select(s => s.Id).SingleAsync();
        var rows = await db.Residents.Where(r => r.SubdistrictId == demo && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant))
            .Join(db.Neighborhoods, r => r.NeighborhoodId, n => n.Id, (r, n) => new { r.SamplingCode, Neighborhood = n.Name })
            .ToListAsync();
        return rows.Where(r => neighborhood(r.Neighborhood)).Select(r => r.SamplingCode).ToHashSet();
    });
}
