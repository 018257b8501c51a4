using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Testing;
using Cordon.Platform.Audit;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Testing;

public sealed class SlotPlanTests
{
    private static readonly DateTime Eight = new(2022, 4, 2, 0, 0, 0, DateTimeKind.Utc);

    private static PlanBuilding Building(int n, int headcount) => new(Guid.NewGuid(), $"{n}号", n, headcount);

    private static PlanPoint Point(string name, double rate) => new(Guid.NewGuid(), name, rate);

    [Fact]
    public void TwoPointsShareTheLoadBuildingByBuilding()
    {
        var a = Point("A", 150);
        var b = Point("B", 150);
        var buildings = Enumerable.Range(1, 4).Select(n => Building(n, 150)).ToList();

        var plan = SlotPlan.Compute(buildings, [a, b], Eight);

        Assert.Equal([a, b, a, b], plan.Slots.Select(s => s.Point));
        Assert.Equal([Eight, Eight, Eight.AddHours(1), Eight.AddHours(1)], plan.Slots.Select(s => s.Start));
        Assert.All(plan.Slots, s => Assert.Equal(TimeSpan.FromHours(1), s.End - s.Start));
        Assert.All(plan.Points, p => Assert.Equal((2, 300, Eight.AddHours(2)), (p.Buildings, p.Headcount, p.FinishesAt)));
        Assert.Equal(Eight.AddHours(2), plan.FinishesAt);
    }

    [Fact]
    public void BuildingsComeDownInNumberOrderAndEachPointsSlotsFollowOneAnother()
    {
        var points = new[] { Point("A", 180), Point("B", 120), Point("C", 150) };
        var buildings = new[] { 10, 2, 7, 1, 12, 3, 5, 11, 4, 9, 6, 8 }.Select(n => Building(n, 37 + (n * 13 % 60))).ToList();

        var plan = SlotPlan.Compute(buildings, points, Eight.AddMinutes(3));

        Assert.Equal(Enumerable.Range(1, 12).Select(n => $"{n}号"), plan.Slots.Select(s => s.Building.Number));
        Assert.Equal(buildings.Sum(b => b.Headcount), plan.Points.Sum(p => p.Headcount));
        Assert.Equal(Eight, plan.StartsAt);
        foreach (var point in points)
        {
            var slots = plan.Slots.Where(s => s.Point == point).ToList();
            Assert.NotEmpty(slots);
            Assert.All(slots, s => Assert.True(s.Start < s.End));
            Assert.All(slots, s => Assert.True(s.Start.Minute % 5 == 0 && s.End.Minute % 5 == 0 && s.Start.Second == 0 && s.End.Second == 0 && s.Start.Kind == DateTimeKind.Utc));

            // Rounded outwards, yet two buildings are never told the same minute at one point: each starts where the last ended or later.
            for (var i = 1; i < slots.Count; i++)
            {
                Assert.True(slots[i].Start >= slots[i - 1].End, $"{slots[i - 1].Building.Number} ends {slots[i - 1].End:t}, {slots[i].Building.Number} starts {slots[i].Start:t}");
                Assert.True(slots[i].Start - slots[i - 1].End <= TimeSpan.FromMinutes(5));
            }

            Assert.Equal(slots[^1].End, plan.Points.Single(p => p.Point == point).FinishesAt);
        }

        // Each building goes to the point free first: no point starts a building while another was idle earlier.
        Assert.True(plan.FinishesAt - plan.Points.Min(p => p.FinishesAt) <= TimeSpan.FromMinutes(45));
    }

    [Fact]
    public void ASlotIsRoundedOutToFiveMinutesButNeverShortened()
    {
        var plan = SlotPlan.Compute([Building(1, 7)], [Point("A", 150)], Eight.AddMinutes(3));

        // 7 people at 150 an hour take 2.8 minutes: 08:03–08:05:48 reads 08:00–08:10.
        var slot = Assert.Single(plan.Slots);
        Assert.Equal(Eight, slot.Start);
        Assert.Equal(Eight.AddMinutes(10), slot.End);
    }

    [Fact]
    public void AFasterPointTakesMoreBuildings()
    {
        var fast = Point("fast", 300);
        var slow = Point("slow", 100);
        var plan = SlotPlan.Compute(Enumerable.Range(1, 8).Select(n => Building(n, 50)), [fast, slow], Eight);

        Assert.Equal(6, plan.Points.Single(p => p.Point == fast).Buildings);
        Assert.Equal(2, plan.Points.Single(p => p.Point == slow).Buildings);
        Assert.Equal(Eight.AddHours(1), plan.FinishesAt);
    }

    [Fact]
    public void AMeasuredRateReplacesThePlannedOneAndChangesThePlan()
    {
        var id = Guid.NewGuid();
        var early = SlotPlan.Rate(id, SlotPlan.MinimumSamples - 1, 150);
        var measured = SlotPlan.Rate(id, 120, 150);
        Assert.False(early.IsMeasured);
        Assert.Equal(150, early.Rate);
        Assert.True(measured.IsMeasured);
        Assert.Equal(240, measured.Rate);
        Assert.Equal(40, SlotPlan.Rate(id, SlotPlan.MinimumSamples, 150).Rate);
        Assert.Equal(SlotPlan.DefaultRate, SlotPlan.Rate(id, 0, 0).Rate);

        var buildings = Enumerable.Range(1, 6).Select(n => Building(n, 120)).ToList();
        var planned = SlotPlan.Compute(buildings, [new PlanPoint(id, "A", early.Rate), Point("B", 150)], Eight);
        var faster = SlotPlan.Compute(buildings, [new PlanPoint(id, "A", measured.Rate), Point("B", 150)], Eight);

        Assert.Equal(3, planned.Points[0].Buildings);
        Assert.Equal(4, faster.Points[0].Buildings);
        Assert.True(faster.FinishesAt < planned.FinishesAt);
        Assert.NotEqual(planned.Slots.Select(s => (s.Point.Name, s.Start)), faster.Slots.Select(s => (s.Point.Name, s.Start)));
    }

    [Fact]
    public void BuildingsGoToThePointsOfTheirOwnCompound()
    {
        Guid east = Guid.NewGuid(), west = Guid.NewGuid();
        var here = new PlanPoint(Guid.NewGuid(), "东门", 600, east, 2);
        var there = new PlanPoint(Guid.NewGuid(), "西门", 150, west, 1);
        var buildings = Enumerable.Range(1, 6).Select(n => new PlanBuilding(Guid.NewGuid(), $"{n}号", n, 100, n <= 3 ? "东区" : "西区", n <= 3 ? east : west)).ToList();

        var plan = SlotPlan.Compute(buildings, [here, there], Eight);

        // The fast point is idle long before the slow one finishes, and still takes none of the other compound's buildings.
        Assert.All(plan.Slots, s => Assert.Equal(s.Building.CompoundId, s.Point.CompoundId));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void APointWithoutSamplersIsGivenNothingAndTheCompoundWithoutAPointIsSaid()
    {
        Guid east = Guid.NewGuid(), west = Guid.NewGuid();
        var empty = new PlanPoint(Guid.NewGuid(), "东门", 150, east, 0);
        var staffed = new PlanPoint(Guid.NewGuid(), "西门", 150, west, 2);
        var buildings = new[] { new PlanBuilding(Guid.NewGuid(), "1号", 1, 1881, "东区", east), new PlanBuilding(Guid.NewGuid(), "2号", 2, 50, "西区", west) };

        var plan = SlotPlan.Compute(buildings, [empty, staffed], Eight);

        Assert.All(plan.Slots, s => Assert.Equal(staffed, s.Point));
        Assert.Contains(new PlanWarning(PlanWarningKind.NoSampler, "东门"), plan.Warnings);
        Assert.Contains(new PlanWarning(PlanWarningKind.NoPointInCompound, "东区"), plan.Warnings);
        Assert.Equal([new PlanWarning(PlanWarningKind.NoPoints)], SlotPlan.Compute(buildings, [empty], Eight).Warnings.Where(w => w.Kind == PlanWarningKind.NoPoints));
    }

    [Fact]
    public void APlanEndingAfterTheRoundSaysWhen()
    {
        var plan = SlotPlan.Compute([Building(1, 300)], [Point("A", 100)], Eight, roundEnds: Eight.AddHours(2));
        var warning = Assert.Single(plan.Warnings);
        Assert.Equal((PlanWarningKind.EndsAfterRound, (DateTime?)Eight.AddHours(3)), (warning.Kind, warning.At));
        Assert.Empty(SlotPlan.Compute([Building(1, 300)], [Point("A", 100)], Eight, roundEnds: Eight.AddHours(4)).Warnings);
    }

    [Fact]
    public void BuildingsWithNobodyMissingAndRoundsWithoutPointsGetNoSlots()
    {
        var plan = SlotPlan.Compute([Building(1, 0), Building(2, 30)], [Point("A", 150)], Eight);
        Assert.Equal(["2号"], plan.Slots.Select(s => s.Building.Number));

        var none = SlotPlan.Compute([Building(1, 30)], [], Eight);
        Assert.Empty(none.Slots);
        Assert.Equal(Eight, none.FinishesAt);
        Assert.Throws<ArgumentOutOfRangeException>(() => SlotPlan.Compute([Building(1, 30)], [Point("A", 0)], Eight));
    }
}

/// <summary>The plan through its pages, on 国权东路88弄 (<see cref="Sampling.Quiet"/>), one new round per test.</summary>
public sealed class SlotPlanPageTests(DemoApp app)
{
    private static string PlanUrl(Guid round) => $"/Testing/Rounds/{round}/Plan";

    private Task<string> UserIdAsync(string userName) => app.DbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync());

    private async Task<(Guid Round, PageClient Pages)> RoundAsync()
    {
        var round = await Sampling.OpenRoundAsync(app, await app.ApiAsync("commander"), Sampling.Quiet);
        return (round, await app.PagesAsync("commander"));
    }

    /// <summary>A point with one sampler (the demo's, unless another is named): a point nobody stands at is given no building.</summary>
    private async Task<Guid> AddPointAsync(PageClient pages, Guid round, string name, string? samplerId = null)
    {
        samplerId ??= await app.DbAsync(db => db.Users.Where(u => u.UserName == "sampler").Select(u => u.Id).SingleAsync());
        var fields = new Dictionary<string, string> { ["Name"] = name, ["SelectedSamplers"] = samplerId };

        var response = await pages.SubmitAsync(PlanUrl(round), fields, "#add-point");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await app.DbAsync(db => db.SamplingPoints.Where(p => p.RoundId == round && p.Name == name).Select(p => p.Id).SingleAsync());
    }

    [Fact]
    public async Task ACommanderAddsAPointWithItsSamplerAndGetsATimetableOfEveryBuildingWithPeopleMissing()
    {
        var (round, pages) = await RoundAsync();
        var empty = await pages.PageAsync(PlanUrl(round));
        Assert.Empty(empty.QuerySelectorAll("#timetable tbody tr"));
        Assert.Contains("采样员 陈医生", empty.QuerySelector("#add-point")!.TextContent, StringComparison.Ordinal);

        var point = await AddPointAsync(pages, round, "1号楼前空地", await UserIdAsync("sampler"));
        var page = await pages.PageAsync(PlanUrl(round));

        var pointRow = Assert.Single(page.QuerySelectorAll("#points tbody tr"));
        Assert.Contains("1号楼前空地", pointRow.TextContent, StringComparison.Ordinal);
        Assert.Contains("采样员 陈医生", pointRow.TextContent, StringComparison.Ordinal);
        Assert.Contains("150", pointRow.TextContent, StringComparison.Ordinal);

        var rows = page.QuerySelectorAll("#timetable tbody tr").Select(r => r.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(["1号", "2号", "3号", "4号", "5号", "6号"], rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal("1号楼前空地", r[1]));
        Assert.All(rows, r => Assert.Matches(@"^\d\d:\d[05]–\d\d:\d[05]$|^\d\d-\d\d \d\d:\d[05]–", r[2]));
        var coverage = await (await app.ApiAsync("commander")).GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{round}/coverage");
        Assert.Equal(coverage.GetProperty("missingCount").GetInt32(), rows.Sum(r => int.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture)));

        var audit = await app.DbAsync(db => db.AuditLog.Where(a => a.EntityType == nameof(SamplingPoint) && a.EntityId == point.ToString()).OrderBy(a => a.At).ToListAsync());
        Assert.Equal([AuditAction.Create, AuditAction.Update], audit.Select(a => a.Action));
        Assert.Contains("1号楼前空地", audit[0].Changes, StringComparison.Ordinal);
        Assert.Contains("\"Samplers\":[null,\"sampler\"]", audit[1].Changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APointWithoutSamplersIsFlaggedOnThePlanAndGivenNoBuilding()
    {
        var (round, pages) = await RoundAsync();
        var staff = await app.DbAsync(db => db.Users.Where(u => u.UserName == "staff").Select(u => u.Id).SingleAsync());
        await AddPointAsync(pages, round, "有人的点", staff);
        var fields = new Dictionary<string, string> { ["Name"] = "空点" };
        Assert.Equal(HttpStatusCode.Redirect, (await pages.SubmitAsync(PlanUrl(round), fields, "#add-point")).StatusCode);

        var page = await pages.PageAsync(PlanUrl(round));
        Assert.Contains(page.QuerySelectorAll("#timetable .alert"), a => a.TextContent.Contains("“空点”没有安排采样员", StringComparison.Ordinal));
        Assert.DoesNotContain(page.QuerySelectorAll("#timetable tbody tr"), r => r.QuerySelectorAll("td")[1].TextContent.Trim() == "空点");
    }

    [Fact]
    public async Task TwoPointsShareTheBuildingsAndEveryBuildingGetsAPrintableNotice()
    {
        var (round, pages) = await RoundAsync();
        await AddPointAsync(pages, round, "东门");
        await AddPointAsync(pages, round, "西门");
        var page = await pages.PageAsync(PlanUrl(round));
        var points = page.QuerySelectorAll("#timetable tbody tr").Select(r => r.QuerySelectorAll("td")[1].TextContent.Trim()).ToList();
        Assert.Equal(6, points.Count);
        Assert.Equal(3, points.Count(p => p == "东门"));
        Assert.Equal(3, points.Count(p => p == "西门"));

        var notices = await pages.PageAsync($"/Testing/Rounds/{round}/Notices");
        var articles = notices.QuerySelectorAll("article.notice");
        Assert.Equal(6, articles.Length);
        Assert.Matches("^1号楼居民请于 \\d\\d:\\d[05]\u2060–\u2060\\d\\d:\\d[05] 到 东门 采样$", articles[0].QuerySelector(".notice-line")!.TextContent);
        Assert.Matches(@"^Residents of building 1: please come to 东门 for testing between \d\d:\d[05] and \d\d:\d[05]$", articles[0].QuerySelector(".notice-line-en")!.TextContent);
        Assert.NotNull(notices.QuerySelector("button[data-print]"));
        Assert.NotNull(notices.QuerySelector("link[href^='/css/notices.css']"));

        var building = await app.DbAsync(db => db.Buildings.Where(b => b.Number == "2号" && db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == Sampling.Quiet)).Select(b => b.Id).SingleAsync());
        var one = await pages.PageAsync($"/Testing/Rounds/{round}/Notices?buildingId={building}");
        Assert.StartsWith("2号楼居民请于", Assert.Single(one.QuerySelectorAll("article.notice")).QuerySelector(".notice-line")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRateMeasuredAtAPointReplacesThePlanAndAPointWithSamplesCannotBeRemoved()
    {
        var (round, pages) = await RoundAsync();
        var point = await AddPointAsync(pages, round, "中心花园");
        var sampler = await app.ApiAsync("sampler");
        var codes = await Sampling.CodesAsync(app, Sampling.Quiet, SlotPlan.MinimumSamples);
        var tubes = new[] { Sampling.Tube(), Sampling.Tube() };
        for (var i = 0; i < codes.Count; i++)
        {
            var registered = await Sampling.RegisterAsync(sampler, round, codes[i], tubes[i / 10], extra: new { pointId = point });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        var page = await pages.PageAsync(PlanUrl(round));
        var cells = page.QuerySelectorAll("#points tbody tr td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(SlotPlan.MinimumSamples.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[2]);
        Assert.StartsWith((SlotPlan.MinimumSamples * 2).ToString(System.Globalization.CultureInfo.InvariantCulture), cells[3], StringComparison.Ordinal);
        Assert.Contains("采用", cells[3], StringComparison.Ordinal);
        Assert.DoesNotContain("采用", cells[4], StringComparison.Ordinal);
        var coverage = await (await app.ApiAsync("commander")).GetFromJsonAsync<JsonElement>($"/api/v1/testing/rounds/{round}/coverage");
        Assert.Equal(coverage.GetProperty("missingCount").GetInt32(), int.Parse(cells[6], System.Globalization.CultureInfo.InvariantCulture));

        var refused = await pages.SubmitAsync(PlanUrl(round), new(), $"#remove-{point}");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("已有样本登记", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await app.DbAsync(db => db.SamplingPoints.AnyAsync(p => p.Id == point)));
    }

    [Fact]
    public async Task SamplersOfAPointChangeWithAnAuditLineAndAnUnusedPointIsRemoved()
    {
        var (round, pages) = await RoundAsync();
        var point = await AddPointAsync(pages, round, "北门", await UserIdAsync("sampler"));

        var changed = await pages.SubmitAsync(PlanUrl(round), new() { ["samplerIds"] = await UserIdAsync("staff") }, $"#samplers-{point}");
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var samplers = await app.DbAsync(db => db.PointSamplers.Where(s => s.PointId == point).Join(db.Users, s => s.UserId, u => u.Id, (s, u) => u.UserName).ToListAsync());
        Assert.Equal(["staff"], samplers);
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.EntityType == nameof(SamplingPoint) && a.EntityId == point.ToString()
            && a.Changes!.Contains("\"Samplers\":[\"sampler\",\"staff\"]"))));

        var removed = await pages.SubmitAsync(PlanUrl(round), new(), $"#remove-{point}");
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.False(await app.DbAsync(db => db.SamplingPoints.AnyAsync(p => p.Id == point)));
        Assert.False(await app.DbAsync(db => db.PointSamplers.AnyAsync(s => s.PointId == point)));
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.EntityType == nameof(SamplingPoint) && a.EntityId == point.ToString() && a.Action == AuditAction.Delete)));
    }

    [Fact]
    public async Task APointNeedsANameUniqueInItsRound()
    {
        var (round, pages) = await RoundAsync();
        var blank = await pages.SubmitAsync(PlanUrl(round), new() { ["Name"] = "  " }, "#add-point");
        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
        Assert.Contains("请填写采样点名称", await blank.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var tooLong = await pages.SubmitAsync(PlanUrl(round), new() { ["Name"] = new string('点', 65) }, "#add-point");
        Assert.Equal(HttpStatusCode.OK, tooLong.StatusCode);

        await AddPointAsync(pages, round, "南门");
        var twice = await pages.SubmitAsync(PlanUrl(round), new() { ["Name"] = "南门" }, "#add-point");
        Assert.Contains("同名采样点", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var stranger = await pages.SubmitAsync(PlanUrl(round), new() { ["Name"] = "西北角", ["SelectedSamplers"] = await UserIdAsync("volunteer") }, "#add-point");
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        Assert.Equal(1, await app.DbAsync(db => db.SamplingPoints.CountAsync(p => p.RoundId == round)));
    }

    [Fact]
    public async Task AVolunteerMayNotOpenThePlanOrTheNotices()
    {
        var round = await Sampling.OpenRoundAsync(app, await app.ApiAsync("commander"), Sampling.Quiet);
        var volunteer = await app.PagesAsync("volunteer");
        foreach (var url in new[] { PlanUrl(round), $"/Testing/Rounds/{round}/Notices" })
        {
            var (response, _) = await volunteer.GetAsync(url);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnknownRoundIsNotFound()
    {
        var pages = await app.PagesAsync("commander");
        var (plan, _) = await pages.GetAsync(PlanUrl(Guid.NewGuid()));
        var (notices, _) = await pages.GetAsync($"/Testing/Rounds/{Guid.NewGuid()}/Notices");
        Assert.Equal(HttpStatusCode.NotFound, plan.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notices.StatusCode);
    }
}
