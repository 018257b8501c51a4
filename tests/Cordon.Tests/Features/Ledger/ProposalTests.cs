using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Ledger;

/// <summary>
/// 待核实变更: what a sweep finds at a door reaches the ledger only when a person of the flat's jurisdiction
/// approves it. Each test builds its own compound, so none depends on another's data.
/// </summary>
public sealed class ProposalTests(DemoApp app)
{
    private const string Api = "/api/v1/ledger/proposals";

    [Fact]
    public async Task AnArrivalReachesTheLedgerOnlyWhenApproved()
    {
        var place = await app.Given().CompoundAsync(DemoData.StaffNeighborhood, flats: 1, vacant: true);
        var flat = place.Flats[0];
        var number = Given.NewIdNumber();
        var proposal = await app.Given().ProposalAsync(place, flat, ProposalKind.AddResident, p =>
        {
            p.Name = "林晓雨";
            p.DocumentNumber = number;
            p.Phone = "13917001234";
            p.Relation = "租客";
            p.Since = new DateOnly(2022, 4, 2);
            p.Tags = NeedTag.Pregnant;
        });
        var staff = await app.ApiAsync("staff");

        var listed = await staff.GetFromJsonAsync<List<JsonElement>>($"{Api}?status=open&flatId={flat}");
        var view = Assert.Single(listed!);
        Assert.Equal("open", view.GetProperty("status").GetString());
        Assert.Equal("add_resident", view.GetProperty("kind").GetString());
        Assert.Equal("第1轮 上午 · 2队", view.GetProperty("sourceLabel").GetString());
        Assert.Contains(view.GetProperty("changes").EnumerateArray(), c => c.GetProperty("field").GetString() == "name" && c.GetProperty("after").GetString() == "林晓雨");
        // The ID number is masked even in the proposal.
        Assert.DoesNotContain(number, view.GetRawText(), StringComparison.Ordinal);
        Assert.False(await app.DbAsync(db => db.Residents.AnyAsync(r => r.FlatId == flat)), "nothing reaches the ledger before approval");

        var approved = await staff.PostAsJsonAsync($"{Api}/{proposal}/approve", new { version = 0 });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var after = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("approved", after.GetProperty("status").GetString());
        Assert.Equal("staff", after.GetProperty("decidedBy").GetString());
        var created = after.GetProperty("resultResidentId").GetGuid();

        var (resident, household, isVacant) = await app.DbAsync(async db =>
        {
            var r = await db.Residents.SingleAsync(x => x.FlatId == flat);
            return (r, await db.Households.SingleAsync(h => h.FlatId == flat), (await db.Flats.SingleAsync(f => f.Id == flat)).IsVacant);
        });
        Assert.Equal(created, resident.Id);
        Assert.Equal("林晓雨", resident.Name);
        Assert.Equal(number, resident.DocumentNumber);
        Assert.Equal(ResidenceStatus.Tenant, resident.Status);
        Assert.Equal(new DateOnly(2022, 4, 2), resident.StatusSince);
        Assert.Equal(NeedTag.Pregnant, resident.Tags);
        Assert.Equal(Sex.Female, resident.Sex);
        Assert.Equal(household.Id, resident.HouseholdId);
        Assert.False(isVacant);
        Assert.False(string.IsNullOrEmpty(resident.SamplingCode));

        var again = await staff.PostAsJsonAsync($"{Api}/{proposal}/approve", new { version = 1 });
        await AssertProblemAsync(again, HttpStatusCode.Conflict, "proposal_decided");
        Assert.Equal(1, await app.DbAsync(db => db.Residents.CountAsync(r => r.FlatId == flat)));
        var approvedList = await staff.GetFromJsonAsync<List<JsonElement>>($"{Api}?status=approved&compoundId={place.CompoundId}");
        Assert.Contains(approvedList!, p => p.GetProperty("id").GetGuid() == proposal);
        Assert.DoesNotContain(await staff.GetFromJsonAsync<List<JsonElement>>($"{Api}?compoundId={place.CompoundId}") ?? [], p => p.GetProperty("id").GetGuid() == proposal);
    }

    [Fact]
    public async Task ARejectionNeedsAReasonAndLeavesTheLedgerAsItWas()
    {
        var place = await app.Given().CompoundAsync(DemoData.StaffNeighborhood, flats: 1);
        var resident = await app.Given().ResidentAsync(place, place.Flats[0], "周建国", "13800138000");
        var proposal = await app.Given().ProposalAsync(place, place.Flats[0], ProposalKind.Phone, p =>
        {
            p.ResidentId = resident;
            p.Phone = "13900139000";
        });
        var staff = await app.ApiAsync("staff");

        var blank = await staff.PostAsJsonAsync($"{Api}/{proposal}/reject", new { reason = "  ", version = 0 });
        var problem = await AssertProblemAsync(blank, HttpStatusCode.UnprocessableEntity, "proposal_reason_invalid");
        Assert.Contains("驳回理由", problem.GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.Contains("reason", problem.GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Open, await StatusAsync(proposal));

        var rejected = await staff.PostAsJsonAsync($"{Api}/{proposal}/reject", new { reason = "已电话核实，号码未变", version = 0 });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var view = await rejected.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rejected", view.GetProperty("status").GetString());
        Assert.Equal("已电话核实，号码未变", view.GetProperty("reason").GetString());
        Assert.Equal("13800138000", await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Phone).SingleAsync()));

        await AssertProblemAsync(await staff.PostAsJsonAsync($"{Api}/{proposal}/approve", new { }), HttpStatusCode.Conflict, "proposal_decided");
        await AssertProblemAsync(await staff.PostAsJsonAsync($"{Api}/{proposal}/reject", new { reason = "再驳回一次" }), HttpStatusCode.Conflict, "proposal_decided");
        Assert.Equal("13800138000", await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Phone).SingleAsync()));
    }

    [Fact]
    public async Task AStaleVersionIsRefusedAndChangesNothing()
    {
        var place = await app.Given().CompoundAsync(DemoData.StaffNeighborhood, flats: 1);
        var resident = await app.Given().ResidentAsync(place, place.Flats[0], "吴美兰", null);
        var proposal = await app.Given().ProposalAsync(place, place.Flats[0], ProposalKind.Away, p =>
        {
            p.ResidentId = resident;
            p.Version = 3;
        });
        var staff = await app.ApiAsync("staff");

        await AssertProblemAsync(await staff.PostAsJsonAsync($"{Api}/{proposal}/approve", new { version = 2 }), HttpStatusCode.Conflict, "proposal_changed");
        await AssertProblemAsync(await staff.PostAsJsonAsync($"{Api}/{proposal}/reject", new { reason = "看错了这一户", version = 2 }), HttpStatusCode.Conflict, "proposal_changed");
        Assert.Equal(ResidenceStatus.Resident, await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Status).SingleAsync()));
        Assert.Equal(ProposalStatus.Open, await StatusAsync(proposal));

        // Without a version (a retry that did not see one) it is decided as it stands.
        var approved = await staff.PostAsync($"{Api}/{proposal}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal(4, (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Assert.Equal(ResidenceStatus.Away, await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Status).SingleAsync()));
    }

    [Fact]
    public async Task ADocumentNumberAlreadyInTheLedgerIsRefusedAndNothingChanges()
    {
        var place = await app.Given().CompoundAsync(DemoData.StaffNeighborhood, flats: 1, vacant: true);
        // Registered in a compound the staff cannot see: still the sub-district's ledger, still refused.
        var taken = await app.DbAsync(db => db.Residents
            .Where(r => r.DocumentType == DocumentType.IdCard && r.DocumentNumber != null && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == DemoData.OtherCompound))
            .Select(r => r.DocumentNumber!).FirstAsync());
        var proposal = await app.Given().ProposalAsync(place, place.Flats[0], ProposalKind.AddResident, p =>
        {
            p.Name = "郑一鸣";
            p.DocumentNumber = taken;
        });
        var staff = await app.ApiAsync("staff");

        await AssertProblemAsync(await staff.PostAsJsonAsync($"{Api}/{proposal}/approve", new { version = 0 }), HttpStatusCode.Conflict, "proposal_document_taken");
        Assert.Equal(ProposalStatus.Open, await StatusAsync(proposal));
        var (residents, households, vacant) = await app.DbAsync(async db => (
            await db.Residents.CountAsync(r => r.FlatId == place.Flats[0]),
            await db.Households.CountAsync(h => h.FlatId == place.Flats[0]),
            (await db.Flats.SingleAsync(f => f.Id == place.Flats[0])).IsVacant));
        Assert.Equal((0, 0, true), (residents, households, vacant));
    }

    [Fact]
    public async Task EveryKindAppliesWhatItSays()
    {
        var place = await app.Given().CompoundAsync(DemoData.StaffNeighborhood, flats: 3);
        var (home, other, empty) = (place.Flats[0], place.Flats[1], place.Flats[2]);
        var away = await app.Given().ResidentAsync(place, home, "王秀英", null);
        var back = await app.Given().ResidentAsync(place, home, "王建华", null, ResidenceStatus.Away);
        var moved = await app.Given().ResidentAsync(place, home, "王小明", null);
        var died = await app.Given().ResidentAsync(place, other, "陈桂芳", null);
        var phone = await app.Given().ResidentAsync(place, other, "陈志强", "13700137000");
        var needs = await app.Given().ResidentAsync(place, other, "陈阿婆", null, tags: NeedTag.Ill);
        var proposals = new Dictionary<ProposalKind, Guid>
        {
            [ProposalKind.Away] = await app.Given().ProposalAsync(place, home, ProposalKind.Away, p => (p.ResidentId, p.Since, p.Where) = (away, new DateOnly(2022, 3, 28), "上海市第六人民医院")),
            [ProposalKind.Back] = await app.Given().ProposalAsync(place, home, ProposalKind.Back, p => p.ResidentId = back),
            [ProposalKind.MovedOut] = await app.Given().ProposalAsync(place, home, ProposalKind.MovedOut, p => (p.ResidentId, p.Since) = (moved, new DateOnly(2022, 1, 15))),
            [ProposalKind.Deceased] = await app.Given().ProposalAsync(place, other, ProposalKind.Deceased, p => p.ResidentId = died),
            [ProposalKind.Phone] = await app.Given().ProposalAsync(place, other, ProposalKind.Phone, p => (p.ResidentId, p.Phone) = (phone, "139 1234 5678")),
            [ProposalKind.Needs] = await app.Given().ProposalAsync(place, other, ProposalKind.Needs, p => (p.ResidentId, p.Tags) = (needs, NeedTag.LivesAlone | NeedTag.Mobility)),
            [ProposalKind.Vacant] = await app.Given().ProposalAsync(place, empty, ProposalKind.Vacant),
        };
        var staff = await app.ApiAsync("staff");
        var listed = (await staff.GetFromJsonAsync<List<JsonElement>>($"{Api}?compoundId={place.CompoundId}"))!;
        Assert.Equal(proposals.Values.Order(), listed.Select(p => p.GetProperty("id").GetGuid()).Order());
        var phoneView = listed.Single(p => p.GetProperty("id").GetGuid() == proposals[ProposalKind.Phone]);
        var phoneChange = phoneView.GetProperty("changes")[0];
        Assert.Equal(("13700137000", "139 1234 5678"), (phoneChange.GetProperty("before").GetString(), phoneChange.GetProperty("after").GetString()));

        foreach (var (kind, id) in proposals)
        {
            var response = await staff.PostAsJsonAsync($"{Api}/{id}/approve", new { version = 0 });
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var residents = await app.DbAsync(db => db.Residents.Where(r => r.CompoundId == place.CompoundId).ToDictionaryAsync(r => r.Id));
        Assert.Equal((ResidenceStatus.Away, new DateOnly(2022, 3, 28)), (residents[away].Status, residents[away].StatusSince));
        Assert.Contains("上海市第六人民医院", residents[away].Notes, StringComparison.Ordinal);
        Assert.Equal(ResidenceStatus.Resident, residents[back].Status);
        Assert.Equal((ResidenceStatus.MovedOut, new DateOnly(2022, 1, 15)), (residents[moved].Status, residents[moved].StatusSince));
        Assert.Equal(ResidenceStatus.MovedOut, residents[died].Status);
        Assert.Contains("已故", residents[died].Notes, StringComparison.Ordinal);
        Assert.Equal("13912345678", residents[phone].Phone);
        Assert.Equal(NeedTag.Ill | NeedTag.LivesAlone | NeedTag.Mobility, residents[needs].Tags);
        Assert.All(new[] { away, back, moved, died, phone, needs }, id => Assert.Equal(1, residents[id].Version));
        Assert.True(await app.DbAsync(db => db.Flats.Where(f => f.Id == empty).Select(f => f.IsVacant).SingleAsync()));

        // A resident already gone cannot be changed; a phone the ledger would refuse is refused here too.
        var gone = await app.Given().ProposalAsync(place, home, ProposalKind.Phone, p => (p.ResidentId, p.Phone) = (moved, "13600136000"));
        await AssertProblemAsync(await staff.PostAsJsonAsync($"{Api}/{gone}/approve", new { version = 0 }), HttpStatusCode.Conflict, "proposal_resident_gone");
        var badPhone = await app.Given().ProposalAsync(place, other, ProposalKind.Phone, p => (p.ResidentId, p.Phone) = (phone, "12345"));
        await AssertProblemAsync(await staff.PostAsJsonAsync($"{Api}/{badPhone}/approve", new { version = 0 }), HttpStatusCode.UnprocessableEntity, "phone_invalid");
        Assert.Equal("13912345678", await app.DbAsync(db => db.Residents.Where(r => r.Id == phone).Select(r => r.Phone).SingleAsync()));
        Assert.Equal(ProposalStatus.Open, await StatusAsync(badPhone));
    }

    [Fact]
    public async Task StaffCannotSeeOrDecideAProposalOutsideTheirJurisdictionAndVolunteersMayNotDecide()
    {
        var neighborhood = await app.DbAsync(db => db.Compounds.Where(c => c.Name == DemoData.OtherCompound)
            .Join(db.Neighborhoods, c => c.NeighborhoodId, n => n.Id, (c, n) => n.Name).SingleAsync());
        Assert.NotEqual(DemoData.StaffNeighborhood, neighborhood);
        var place = await app.Given().CompoundAsync(neighborhood, flats: 1);
        var proposal = await app.Given().ProposalAsync(place, place.Flats[0], ProposalKind.Vacant);
        var staff = await app.ApiAsync("staff");

        Assert.DoesNotContain((await staff.GetFromJsonAsync<List<JsonElement>>(Api))!, p => p.GetProperty("id").GetGuid() == proposal);
        Assert.Empty((await staff.GetFromJsonAsync<List<JsonElement>>($"{Api}?flatId={place.Flats[0]}"))!);
        await AssertProblemAsync(await staff.PostAsJsonAsync($"{Api}/{proposal}/approve", new { version = 0 }), HttpStatusCode.NotFound, "proposal_not_found");
        await AssertProblemAsync(await staff.PostAsJsonAsync($"{Api}/{proposal}/reject", new { reason = "不在本居委", version = 0 }), HttpStatusCode.NotFound, "proposal_not_found");
        await AssertProblemAsync(await staff.PostAsync($"{Api}/flats/{place.Flats[0]}/approve", null), HttpStatusCode.NotFound, "proposal_flat_not_found");
        Assert.Equal(ProposalStatus.Open, await StatusAsync(proposal));
        Assert.False(await app.DbAsync(db => db.Flats.Where(f => f.Id == place.Flats[0]).Select(f => f.IsVacant).SingleAsync()));

        var volunteer = await app.ApiAsync("volunteer");
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.GetAsync(Api)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.PostAsJsonAsync($"{Api}/{proposal}/approve", new { version = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.PostAsync($"{Api}/flats/{place.Flats[0]}/approve", null)).StatusCode);

        var commander = await app.ApiAsync("commander");
        Assert.Contains((await commander.GetFromJsonAsync<List<JsonElement>>($"{Api}?flatId={place.Flats[0]}"))!, p => p.GetProperty("id").GetGuid() == proposal);
        await AssertProblemAsync(await commander.GetAsync($"{Api}?status=maybe"), HttpStatusCode.UnprocessableEntity, "proposal_status_invalid");
    }

    [Fact]
    public async Task ApprovingAFlatAppliesEveryOpenProposalAndOneRefusedDoesNotStopTheOthers()
    {
        var place = await app.Given().CompoundAsync(DemoData.StaffNeighborhood, flats: 1);
        var flat = place.Flats[0];
        var resident = await app.Given().ResidentAsync(place, flat, "刘德明", "13500135000");
        var taken = await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Id).SingleAsync());
        var takenNumber = Given.NewIdNumber();
        await app.DbAsync(async db =>
        {
            (await db.Residents.SingleAsync(r => r.Id == taken)).DocumentNumber = takenNumber;
            await db.SaveChangesAsync();
        });
        var phone = await app.Given().ProposalAsync(place, flat, ProposalKind.Phone, p => (p.ResidentId, p.Phone) = (resident, "13500135999"));
        var refused = await app.Given().ProposalAsync(place, flat, ProposalKind.AddResident, p => (p.Name, p.DocumentNumber) = ("刘小红", takenNumber));
        var added = await app.Given().ProposalAsync(place, flat, ProposalKind.AddResident, p => (p.Name, p.DocumentNumber, p.Relation) = ("刘晨", Given.NewIdNumber(), "子女"));
        var needs = await app.Given().ProposalAsync(place, flat, ProposalKind.Needs, p => (p.ResidentId, p.Tags) = (resident, NeedTag.ElderlyAlone));
        var staff = await app.ApiAsync("staff");

        var response = await staff.PostAsync($"{Api}/flats/{flat}/approve", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((3, 1), (body.GetProperty("approved").GetInt32(), body.GetProperty("refused").GetInt32()));
        var results = body.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetGuid());
        // In the order they were found.
        Assert.Equal([phone, refused, added, needs], body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        Assert.False(results[refused].GetProperty("approved").GetBoolean());
        Assert.Equal("proposal_document_taken", results[refused].GetProperty("code").GetString());
        Assert.Equal("open", results[refused].GetProperty("proposal").GetProperty("status").GetString());
        Assert.All(new[] { phone, added, needs }, id => Assert.Equal("approved", results[id].GetProperty("proposal").GetProperty("status").GetString()));

        var ledger = await app.DbAsync(db => db.Residents.Where(r => r.FlatId == flat).ToListAsync());
        Assert.Equal(["刘德明", "刘晨"], ledger.Select(r => r.Name).Order(StringComparer.Ordinal));
        var head = ledger.Single(r => r.Id == resident);
        Assert.Equal(("13500135999", NeedTag.ElderlyAlone), (head.Phone, head.Tags));
        Assert.Equal(head.HouseholdId, ledger.Single(r => r.Name == "刘晨").HouseholdId);

        // What is left open is tried again, and refused again; nothing else is touched.
        var again = await (await staff.PostAsync($"{Api}/flats/{flat}/approve", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((0, 1), (again.GetProperty("approved").GetInt32(), again.GetProperty("refused").GetInt32()));
    }

    [Fact]
    public async Task ThePageListsAFlatsProposalsAndApprovesAndRejectsThem()
    {
        var place = await app.Given().CompoundAsync(DemoData.StaffNeighborhood, flats: 2);
        var (first, second) = (place.Flats[0], place.Flats[1]);
        var resident = await app.Given().ResidentAsync(place, first, "黄丽华", "13300133000");
        var away = await app.Given().ProposalAsync(place, first, ProposalKind.Away, p => (p.ResidentId, p.Where) = (resident, "昆山"));
        var phone = await app.Given().ProposalAsync(place, first, ProposalKind.Phone, p => (p.ResidentId, p.Phone) = (resident, "13300133999"));
        var vacant = await app.Given().ProposalAsync(place, second, ProposalKind.Vacant);
        var add = await app.Given().ProposalAsync(place, second, ProposalKind.AddResident, p => p.Name = "黄小宝");
        var pages = await app.PagesAsync("staff");
        var url = $"/Ledger/Proposals?status=open&compoundId={place.CompoundId}";

        var page = await pages.PageAsync(url);
        var section = page.QuerySelector($"#flat-{first}")!;
        Assert.Contains(place.Name, section.QuerySelector("h2")!.TextContent, StringComparison.Ordinal);
        var awayCard = section.QuerySelector($"#proposal-{away}")!;
        Assert.Contains("标记外出", awayCard.TextContent, StringComparison.Ordinal);
        Assert.Contains("第1轮 上午 · 2队", awayCard.TextContent, StringComparison.Ordinal);
        var row = awayCard.QuerySelector("table.proposal-changes tbody tr")!;
        Assert.Equal("常住", row.QuerySelector("td.before")!.TextContent.Trim());
        Assert.Contains("昆山", row.QuerySelector("td.after")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(section.QuerySelector("button.proposal-all"));
        Assert.Equal(2, page.QuerySelectorAll("section.proposal-flat").Length);

        var approved = await pages.SubmitAsync(url, new(), $"#proposal-{away} form[action*='handler=Approve']");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(ResidenceStatus.Away, await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Status).SingleAsync()));

        var blank = await pages.SubmitAsync(url, new() { ["reason"] = "" }, $"#proposal-{phone} form[action*='handler=Reject']");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, blank.StatusCode);
        Assert.Contains("请写明驳回理由", await blank.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var rejected = await pages.SubmitAsync(url, new() { ["reason"] = "号码是其子女的" }, $"#proposal-{phone} form[action*='handler=Reject']");
        Assert.Equal(HttpStatusCode.Redirect, rejected.StatusCode);
        Assert.Equal("13300133000", await app.DbAsync(db => db.Residents.Where(r => r.Id == resident).Select(r => r.Phone).SingleAsync()));

        var all = await pages.SubmitAsync(url, new(), $"#flat-{second} form[action*='handler=ApproveFlat']");
        Assert.Equal(HttpStatusCode.Redirect, all.StatusCode);
        Assert.Equal((ProposalStatus.Approved, ProposalStatus.Approved), (await StatusAsync(vacant), await StatusAsync(add)));
        Assert.Single(await app.DbAsync(db => db.Residents.Where(r => r.FlatId == second && r.Name == "黄小宝").ToListAsync()));

        var after = await pages.PageAsync(all.Headers.Location!.ToString());
        Assert.Contains("本户已通过 2 项", after.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(after.QuerySelectorAll("section.proposal-flat"));
        var decided = await pages.PageAsync($"/Ledger/Proposals?status=rejected&compoundId={place.CompoundId}");
        Assert.Contains("号码是其子女的", decided.QuerySelector($"#proposal-{phone}")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(decided.QuerySelectorAll("form[method=post] button[type=submit]"), b => b.Closest(".proposal") is not null);

        var ledger = await pages.PageAsync("/Ledger");
        Assert.NotNull(ledger.QuerySelector("a[href='/Ledger/Proposals']"));
        var (forbidden, _) = await (await app.PagesAsync("volunteer")).GetAsync("/Ledger/Proposals");
        Assert.Equal(HttpStatusCode.Redirect, forbidden.StatusCode);
        Assert.Contains("/Account/AccessDenied", forbidden.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Null((await (await app.PagesAsync("volunteer")).PageAsync("/Ledger")).QuerySelector("a[href='/Ledger/Proposals']"));
    }

    private Task<ProposalStatus> StatusAsync(Guid proposal) =>
        app.DbAsync(db => db.Set<LedgerProposal>().Where(p => p.Id == proposal).Select(p => p.Status).SingleAsync());

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }
}
