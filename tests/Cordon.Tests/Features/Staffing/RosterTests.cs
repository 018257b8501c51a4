using System.Net;
using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Cordon.Features.Demo;
using Cordon.Features.Staffing;
using Cordon.Tests.Features.Ledger;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Tests.Features.Staffing;

/// <summary>The roster of issue 12: import with the ledger's validation and error report, the list, edits, and who may see it.</summary>
public sealed class RosterTests(DemoApp app)
{
    private static readonly string[] Header = ["姓名", "手机号", "单位", "职能", "居民区", "路程分钟", "夜间可叫"];

    /// <summary>A mobile no other test (nor the demo roster, 139000…) uses.</summary>
    private static string NewMobile() => "137" + Random.Shared.Next(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

    private static MultipartFormDataContent File(byte[] bytes, string name, string field = "file")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { content, field, name } };
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ImportAsync(byte[] file, string name, string query = "")
    {
        var client = await app.ApiAsync("commander");
        var response = await client.PostAsync("/api/v1/staff/import" + query, File(file, name));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private Task<List<StaffMember>> StoredAsync(params string[] mobiles) =>
        app.DbAsync(db => db.Staff.Where(s => mobiles.Contains(s.Mobile)).ToListAsync());

    [Fact]
    public async Task AGoodSpreadsheetCreatesRowsAndAReimportUpdatesThemWithoutDuplicates()
    {
        var (a, b) = (NewMobile(), NewMobile());
        object?[][] rows =
        [
            Header,
            ["周建华", a, "居委", "带队、扫楼", DemoData.StaffNeighborhood, "10", "是"],
            ["Anna Müller", "+86 " + b[..3] + " " + b[3..7] + " " + b[7..], "志愿者", "sweeper, driver", "", "45", "N"],
        ];
        var (status, report) = await ImportAsync(Sheets.Xlsx(rows), "人员库.xlsx");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, report.GetProperty("rowsRead").GetInt32());
        Assert.Equal(2, report.GetProperty("created").GetInt32());
        Assert.True(report.GetProperty("committed").GetBoolean());

        var stored = await StoredAsync(a, b);
        Assert.Equal(2, stored.Count);
        var leader = stored.Single(s => s.Mobile == a);
        Assert.Equal(StaffRoles.Leader | StaffRoles.Sweeper, leader.Roles);
        Assert.NotNull(leader.NeighborhoodId);
        Assert.True(leader.NightCallable);
        var other = stored.Single(s => s.Mobile == b);
        Assert.Equal(StaffRoles.Sweeper | StaffRoles.Driver, other.Roles);
        Assert.Null(other.NeighborhoodId);
        Assert.False(other.NightCallable);

        rows[2][5] = "50";
        var (again, second) = await ImportAsync(Sheets.Csv(rows.Select(r => r.Select(c => (string)c!).ToArray()), Sheets.Utf8, bom: true), "人员库.csv");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(0, second.GetProperty("created").GetInt32());
        Assert.Equal(1, second.GetProperty("updated").GetInt32());
        Assert.Equal(1, second.GetProperty("unchanged").GetInt32());
        stored = await StoredAsync(a, b);
        Assert.Equal(2, stored.Count);
        Assert.Equal(50, stored.Single(s => s.Mobile == b).TravelMinutes);
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(e => e.Action == Cordon.Platform.Audit.AuditAction.Import && e.EntityType == nameof(StaffMember) && e.Reason == "人员库.csv")));
    }

    [Fact]
    public async Task ABadFileReportsEachRowAndColumnInBothLanguagesAndStoresNothing()
    {
        var (good, twice) = (NewMobile(), NewMobile());
        object?[][] rows =
        [
            Header,
            ["好人", good, "物业", "守门", "", "5", "否"],
            ["手机错", "12345", "物业", "守门", "", "5", "否"],
            ["职能错", NewMobile(), "物业", "厨师", "", "5", "否"],
            ["居民区错", NewMobile(), "物业", "扫楼", "火星居民区", "5", "否"],
            ["第一次", twice, "物业", "扫楼", "", "5", "否"],
            ["第二次", twice, "物业", "扫楼", "", "5", "否"],
            ["科学计数", "1.38001E+10", "物业", "扫楼", "", "5", "否"],
            ["<script>alert(1)</script>", NewMobile(), "物业", "扫楼", "", "5", "否"],
        ];
        var (status, report) = await ImportAsync(Sheets.Xlsx(rows), "bad.xlsx");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.False(report.GetProperty("committed").GetBoolean());
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        (int Row, string Column, string Code)[] expected =
        [
            (3, "手机号", "staff_mobile_invalid"),
            (4, "职能", "staff_role_unknown"),
            (5, "居民区", "staff_neighborhood_unknown"),
            (7, "手机号", "staff_mobile_duplicate"),
            (8, "手机号", "staff_mobile_mangled"),
            (9, "姓名", "staff_name_invalid"),
        ];
        foreach (var (row, column, code) in expected)
        {
            var error = errors.SingleOrDefault(e => e.GetProperty("row").GetInt32() == row && e.GetProperty("code").GetString() == code);
            Assert.True(error.ValueKind == JsonValueKind.Object, $"row {row}: no {code}");
            Assert.Equal(column, error.GetProperty("column").GetString());
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("zh").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("en").GetString()));
            Assert.NotEqual(error.GetProperty("zh").GetString(), error.GetProperty("en").GetString());
        }

        Assert.Equal(expected.Length, errors.Count);
        Assert.Contains("厨师", errors.Single(e => e.GetProperty("row").GetInt32() == 4).GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.Contains("6", errors.Single(e => e.GetProperty("row").GetInt32() == 7).GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.Empty(await StoredAsync(good, twice));
    }

    [Fact]
    public async Task ModeValidStoresTheGoodRowsAndReportsTheOthers()
    {
        var (a, b) = (NewMobile(), NewMobile());
        object?[][] rows =
        [
            Header,
            ["钱一", a, "医护", "采样", "", "20", "1"],
            ["钱二", b, "医护", "采样;登记", "", "700", "1"],
            ["钱三", NewMobile(), "医护", "", "", "20", "1"],
        ];
        var (dry, preview) = await ImportAsync(Sheets.Xlsx(rows), "valid.xlsx", "?mode=valid&dryRun=true");
        Assert.Equal(HttpStatusCode.OK, dry);
        Assert.False(preview.GetProperty("committed").GetBoolean());
        Assert.Empty(await StoredAsync(a, b));

        var (status, report) = await ImportAsync(Sheets.Xlsx(rows), "valid.xlsx", "?mode=valid");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, report.GetProperty("created").GetInt32());
        Assert.Equal(2, report.GetProperty("rowsWithErrors").GetInt32());
        var codes = report.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ToList();
        Assert.Contains("staff_travel_invalid", codes);
        Assert.Contains("staff_roles_required", codes);
        Assert.Equal([a], (await StoredAsync(a, b)).Select(s => s.Mobile));
    }

    [Fact]
    public async Task AFileWithoutTheColumnsIsRefusedWhole()
    {
        var (status, problem) = await ImportAsync(Sheets.Xlsx([["姓名", "电话"], ["孙一", NewMobile()]]), "short.xlsx");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("staff_columns_missing", problem.GetProperty("code").GetString());
        Assert.Contains("单位", problem.GetProperty("zh").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARosterIsBoundedToFiveThousandRowsAndFiveMegabytes()
    {
        var rows = new List<string[]> { Header };
        rows.AddRange(Enumerable.Range(0, StaffImport.MaxRows + 1).Select(i => new[] { "某人", "136" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), "志愿者", "扫楼", "", "5", "是" }));
        var (status, problem) = await ImportAsync(Sheets.Csv(rows, Sheets.Utf8, bom: true), "many.csv");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("file_too_many_rows", problem.GetProperty("code").GetString());

        var (big, tooLarge) = await ImportAsync(new byte[(6 * 1024 * 1024) - 1000], "big.csv");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big);
        Assert.Equal("file_too_large", tooLarge.GetProperty("code").GetString());
        Assert.Contains("5 MB", tooLarge.GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.DbAsync(db => db.Staff.CountAsync(s => s.Mobile.StartsWith("136"))));
    }

    [Fact]
    public async Task TheTemplateHasTheHeadersAndItsExampleRowIsNotImported()
    {
        var client = await app.ApiAsync("commander");
        var template = await client.GetByteArrayAsync("/api/v1/staff/template");
        var (status, report) = await ImportAsync(template, "模板.xlsx", "?dryRun=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, report.GetProperty("rowsRead").GetInt32());
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
    }

    [Theory]
    [InlineData("staff")]
    [InlineData("volunteer")]
    public async Task OnlyCommandersSeeTheRoster(string user)
    {
        var client = await app.ApiAsync(user);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/v1/staff/import", File([1, 2, 3], "x.csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/staff", new { name = "某人" })).StatusCode);
    }

    [Fact]
    public async Task TheListFiltersByRoleNeighborhoodAndNameAndShowsPhonesToCommanders()
    {
        var client = await app.ApiAsync("commander");
        var all = await client.GetFromJsonAsync<JsonElement>("/api/v1/staff?active=true");
        Assert.True(all.GetProperty("total").GetInt32() >= DemoStaff.Count);
        Assert.Equal(RosterApi.PageSize, all.GetProperty("items").GetArrayLength());

        var drivers = await client.GetFromJsonAsync<JsonElement>("/api/v1/staff?role=driver");
        Assert.NotEmpty(drivers.GetProperty("items").EnumerateArray());
        Assert.All(drivers.GetProperty("items").EnumerateArray(), s => Assert.Contains("driver", s.GetProperty("roles").EnumerateArray().Select(r => r.GetString())));

        var neighborhood = await app.DbAsync(db => db.Neighborhoods.Where(n => n.Name == DemoData.StaffNeighborhood).Select(n => n.Id).FirstAsync());
        var there = await client.GetFromJsonAsync<JsonElement>($"/api/v1/staff?neighborhoodId={neighborhood}");
        Assert.All(there.GetProperty("items").EnumerateArray(), s => Assert.Equal(DemoData.StaffNeighborhood, s.GetProperty("neighborhood").GetString()));

        var linked = await client.GetFromJsonAsync<JsonElement>("/api/v1/staff?q=13900000001");
        var row = Assert.Single(linked.GetProperty("items").EnumerateArray());
        Assert.Equal("staff", row.GetProperty("userName").GetString());
        Assert.Matches("^1[3-9][0-9]{9}$", row.GetProperty("mobile").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/staff?role=cook")).StatusCode);
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(e => e.Action == Cordon.Platform.Audit.AuditAction.Read && e.EntityId == "staff-list")));
    }

    [Fact]
    public async Task ACreateIsStoredOnceOnRetryAndAnEditOverSomeoneElsesIsRefused()
    {
        var client = await app.ApiAsync("commander");
        var id = Guid.CreateVersion7();
        var mobile = NewMobile();
        var body = new { id, name = "吴 晓东", mobile, organisation = "街道机关", roles = new[] { "leader", "registrar" }, travelMinutes = 30, nightCallable = true };
        var first = await client.PostAsJsonAsync("/api/v1/staff", body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var retry = await client.PostAsJsonAsync("/api/v1/staff", body);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(id, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Single(await StoredAsync(mobile));

        var same = await client.PostAsJsonAsync("/api/v1/staff", body with { id = Guid.CreateVersion7() });
        Assert.Equal(HttpStatusCode.Conflict, same.StatusCode);
        Assert.Equal("staff_mobile_taken", (await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var edit = new { name = "吴晓东", mobile, organisation = "街道机关", roles = new[] { "leader" }, travelMinutes = 25, nightCallable = false, active = true, version = 0 };
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/staff/{id}", edit)).StatusCode);
        var stale = await client.PutAsJsonAsync($"/api/v1/staff/{id}", edit);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var stored = (await StoredAsync(mobile)).Single();
        Assert.Equal((StaffRoles.Leader, 25, false), (stored.Roles, stored.TravelMinutes, stored.NightCallable));

        // Deactivated, then edited by a client that does not send "active": still deactivated.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/staff/{id}", edit with { active = false, version = 1 })).StatusCode);
        var later = new { name = "吴晓东", mobile, organisation = "街道机关", roles = new[] { "leader" }, travelMinutes = 40, nightCallable = false };
        var kept = await client.PutAsJsonAsync($"/api/v1/staff/{id}", later);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.False((await kept.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task ScriptInANameIsRefused()
    {
        var client = await app.ApiAsync("commander");
        var mobile = NewMobile();
        var response = await client.PostAsJsonAsync("/api/v1/staff", new { name = "<script>alert(1)</script>", mobile, organisation = "居委", roles = new[] { "sweeper" }, travelMinutes = 5, nightCallable = true });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("staff_name_invalid", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("en").GetString()));
        Assert.Empty(await StoredAsync(mobile));
    }

    [Fact]
    public async Task ASecondSubdistrictSeesNoneOfTheFirstsRoster()
    {
        var name = "roster-" + Guid.NewGuid().ToString("N")[..6];
        await app.ScopeAsync(async s =>
        {
            var db = s.GetRequiredService<Cordon.Platform.Data.CordonDb>();
            var other = new Cordon.Platform.Data.Subdistrict { Name = "殷行街道", DivisionCode = "310110" };
            db.Subdistricts.Add(other);
            await db.SaveChangesAsync();
            var users = s.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Cordon.Platform.Auth.CordonUser>>();
            var user = new Cordon.Platform.Auth.CordonUser { UserName = name, DisplayName = name, SubdistrictId = other.Id };
            await users.CreateAsync(user, CordonApp.Password);
            await users.AddToRoleAsync(user, Cordon.Platform.Auth.Roles.Commander);
            return true;
        });

        var commander = await app.ApiAsync(name);
        Assert.Equal(0, (await commander.GetFromJsonAsync<JsonElement>("/api/v1/staff")).GetProperty("total").GetInt32());
        var theirs = await app.DbAsync(db => db.Staff.Where(s => s.Mobile == "13900000001").Select(s => s.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await commander.GetAsync($"/api/v1/staff/{theirs}")).StatusCode);
        var put = await commander.PutAsJsonAsync($"/api/v1/staff/{theirs}", new { name = "改名", mobile = "13900000001", organisation = "居委", roles = new[] { "sweeper" }, travelMinutes = 5, nightCallable = true });
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);

        // The same mobile may be on both rosters: the key is (sub-district, mobile).
        var own = await commander.PostAsJsonAsync("/api/v1/staff", new { name = "殷行人", mobile = "13900000001", organisation = "居委", roles = new[] { "sweeper" }, travelMinutes = 5, nightCallable = true });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.NotEqual("改名", await app.DbAsync(db => db.Staff.Where(s => s.Id == theirs).Select(s => s.Name).SingleAsync()));
    }

    [Fact]
    public async Task TheDemoRosterHasAboutOneHundredThirtyPeopleAndTheStaffAccountIsOnIt()
    {
        var (count, linked) = await app.DbAsync(async db =>
        {
            var subdistrict = await db.Users.Where(u => u.UserName == "staff").Select(u => u.SubdistrictId).SingleAsync();
            return (await db.Staff.CountAsync(s => s.SubdistrictId == subdistrict && s.Mobile.StartsWith("139000")),
                await db.Staff.CountAsync(s => s.SubdistrictId == subdistrict && s.UserName == "staff"));
        });
        Assert.Equal(DemoStaff.Count, count);
        Assert.Equal(1, linked);
    }

    [Fact]
    public async Task ThePagesListEditAndImport()
    {
        var pages = await app.PagesAsync("commander");
        var list = await pages.PageAsync("/Staff?Role=sampler");
        Assert.NotEmpty(list.QuerySelectorAll("table.roster tbody tr"));
        Assert.NotNull(list.QuerySelector("a[href='/Staff/Import']"));
        Assert.Contains("采样", list.QuerySelector("table.roster tbody")!.TextContent, StringComparison.Ordinal);

        var mobile = NewMobile();
        var added = await pages.SubmitAsync("/Staff/Edit", new()
        {
            ["Name"] = "郑海燕",
            ["Mobile"] = mobile,
            ["Organisation"] = "居委",
            ["Roles"] = "sweeper",
            ["TravelMinutes"] = "12",
            ["NightCallable"] = "true",
            ["Active"] = "true",
        });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var staff = (await StoredAsync(mobile)).Single();

        var refused = await pages.SubmitAsync($"/Staff/Edit?id={staff.Id}", new()
        {
            ["Name"] = "郑海燕",
            ["Mobile"] = "1.38001E+10",
            ["Organisation"] = "居委",
            ["Roles"] = "sweeper",
            ["TravelMinutes"] = "12",
            ["NightCallable"] = "true",
            ["Active"] = "true",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("科学计数法", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var deactivated = await pages.SubmitAsync($"/Staff/Edit?id={staff.Id}", [], "form[action*='handler=Active']");
        Assert.Equal(HttpStatusCode.Redirect, deactivated.StatusCode);
        Assert.False((await StoredAsync(mobile)).Single().Active);

        var import = await pages.PageAsync("/Staff/Import");
        Assert.NotNull(import.QuerySelector("a[href='/api/v1/staff/template']"));
        var token = ((IHtmlInputElement)import.QuerySelector("input[name=__RequestVerificationToken]")!).Value;
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("all"), "Mode" },
        };
        var file = new ByteArrayContent(Sheets.Xlsx([Header, ["冯一", "12345", "居委", "扫楼", "", "5", "是"]]));
        form.Add(file, "Upload", "页面.xlsx");
        var response = await pages.Http.PostAsync("/Staff/Import", form);
        var page = await PageClient.ParseAsync(await response.Content.ReadAsStringAsync());
        var cells = page.QuerySelectorAll(".import-errors tbody tr td").Select(td => td.TextContent).ToList();
        Assert.Equal("2", cells[0]);
        Assert.Equal("手机号", cells[1]);
        Assert.Contains("staff_mobile_invalid", cells[3], StringComparison.Ordinal);
    }
}
