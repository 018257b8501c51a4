using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Features.Ledger;
using Cordon.Platform.Audit;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;

namespace Cordon.Tests.Features.Ledger;

public sealed class LedgerPagesTests(DemoApp app)
{
    [Fact]
    public async Task TheLedgerListsCompoundsWithCountsFromTheDatabase()
    {
        var pages = await app.PagesAsync("commander");
        var document = await pages.PageAsync("/Ledger");
        var row = document.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains(DemoData.BigCompound, StringComparison.Ordinal));
        var cells = row.QuerySelectorAll("td.num").Select(c => int.Parse(c.TextContent.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var expected = await app.DbAsync(async db =>
        {
            var id = await db.Compounds.Where(c => c.Name == DemoData.BigCompound).Select(c => c.Id).SingleAsync();
            return new[]
            {
                await db.Buildings.CountAsync(b => b.CompoundId == id),
                await db.Flats.CountAsync(f => f.CompoundId == id),
                await db.Households.CountAsync(h => h.CompoundId == id),
                await db.Residents.CountAsync(r => r.CompoundId == id && r.Status != ResidenceStatus.MovedOut),
            };
        });
        Assert.Equal(expected, cells.Take(4));
        Assert.InRange(expected[2], 1500, 1800);
        Assert.InRange(expected[3], 2800, 3400);
    }

    [Fact]
    public async Task BuildingsFlatsAndResidentsOutsideJurisdictionAre404OnPagesAndApi()
    {
        var (building, flat, resident) = await app.DbAsync(async db =>
        {
            var r = await db.Residents.Where(x => db.Compounds.Any(c => c.Id == x.CompoundId && c.Name == DemoData.OtherCompound)).FirstAsync();
            return (r.BuildingId, r.FlatId, r.Id);
        });
        var volunteer = await app.PagesAsync("volunteer");
        foreach (var url in new[] { $"/Ledger/Buildings/{building}", $"/Ledger/Flats/{flat}", $"/Ledger/Residents/{resident}", $"/Ledger/Buildings/{building}/Slips" })
        {
            var (response, _) = await volunteer.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, url);
        }

        var api = await app.ApiAsync("volunteer");
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/ledger/buildings/{building}/grid")).StatusCode);
    }

    [Fact]
    public async Task TheGridApiShowsFloorsTopDownWithEveryFlat()
    {
        var building = await app.DbAsync(db => db.Buildings.Where(b => b.Number == "41号").Select(b => b.Id).SingleAsync());
        var api = await app.ApiAsync("commander");
        var grid = await api.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/buildings/{building}/grid");
        var floors = grid.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("floor").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(1, 33).Reverse(), floors);
        Assert.Equal(132, grid.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("cells").GetArrayLength()));
        Assert.Equal(["3301", "3302", "3303", "3304"], grid.GetProperty("rows")[0].GetProperty("cells").EnumerateArray().Select(c => c.GetProperty("room").GetString()));
    }

    [Theory]
    [InlineData("address")]
    [InlineData("phone-tail")]
    [InlineData("name")]
    [InlineData("id")]
    public async Task SearchFindsResidentsTheWayCommitteesAskForThem(string kind)
    {
        var target = await app.DbAsync(db => db.Residents
            .Where(r => r.Phone != null && r.DocumentType == DocumentType.IdCard && r.Status == ResidenceStatus.Resident
                && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == DemoData.BigCompound))
            .Join(db.Flats, r => r.FlatId, f => f.Id, (r, f) => new { r, f })
            .Join(db.Buildings, x => x.f.BuildingId, b => b.Id, (x, b) => new { x.r, x.f, b })
            .Where(x => x.b.Entrances > 1)
            .Select(x => new { x.r.Id, x.r.Name, x.r.Phone, x.r.DocumentNumber, Address = x.b.Number + "-" + x.f.Entrance + "-" + x.f.Room })
            .FirstAsync());
        var q = kind switch
        {
            "address" => target.Address,
            "phone-tail" => target.Phone![^4..],
            "name" => target.Name,
            _ => target.DocumentNumber!,
        };
        var api = await app.ApiAsync("commander");
        var ids = new List<Guid>();
        for (var page = 1; page <= 20; page++)
        {
            var result = await api.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/residents?q={Uri.EscapeDataString(q)}&page={page}");
            var items = result.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
            ids.AddRange(items);
            if (items.Count < LedgerApi.PageSize)
            {
                break;
            }
        }

        Assert.Contains(target.Id, ids);
    }

    [Fact]
    public async Task EditingAResidentValidatesAndRecordsTheHistory()
    {
        var resident = await app.DbAsync(db => db.Residents.Where(r => r.NeighborhoodId == db.Neighborhoods.First(n => n.Name == DemoData.StaffNeighborhood).Id && r.Phone != null).FirstAsync());
        var staff = await app.PagesAsync("staff");
        var url = $"/Ledger/Residents/Edit/{resident.Id}";

        var bad = await staff.SubmitAsync(url, new() { ["Name"] = "<b>x</b>", ["Phone"] = "12345" });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var html = await bad.Content.ReadAsStringAsync();
        Assert.Contains("姓名含有不允许的字符", html, StringComparison.Ordinal);
        Assert.Contains("手机号应为 11 位", html, StringComparison.Ordinal);
        Assert.Equal(resident.Name, await app.DbAsync(db => db.Residents.Where(r => r.Id == resident.Id).Select(r => r.Name).SingleAsync()));

        var good = await staff.SubmitAsync(url, new() { ["Name"] = resident.Name, ["Notes"] = "腿脚不便，需上门采样", ["Tags"] = "Mobility" });
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var stored = await app.DbAsync(db => db.Residents.SingleAsync(r => r.Id == resident.Id));
        Assert.Equal("腿脚不便，需上门采样", stored.Notes);
        Assert.Equal(NeedTag.Mobility, stored.Tags);
        Assert.Equal(resident.DocumentNumber, stored.DocumentNumber);
        Assert.Equal(resident.Phone, stored.Phone);

        var page = await staff.PageAsync($"/Ledger/Residents/{resident.Id}");
        var history = page.QuerySelector(".history")!.TextContent;
        Assert.Contains("腿脚不便", history, StringComparison.Ordinal);
        Assert.Contains("staff", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoPeopleEditingTheSameResidentDoNotOverwriteEachOther()
    {
        var resident = await app.DbAsync(db => db.Residents.Where(r => r.NeighborhoodId == db.Neighborhoods.First(n => n.Name == DemoData.StaffNeighborhood).Id).Skip(3).FirstAsync());
        var url = $"/Ledger/Residents/Edit/{resident.Id}";
        var first = await app.PagesAsync("staff");
        var second = await app.PagesAsync("commander");
        var firstForm = await first.PageAsync(url);
        var secondForm = await second.PageAsync(url);

        var saved = await first.Http.PostAsync(url, Form(firstForm, "第一位的备注"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var conflict = await second.Http.PostAsync(url, Form(secondForm, "第二位的备注"));
        Assert.Equal(HttpStatusCode.OK, conflict.StatusCode);
        Assert.Contains("别人刚刚修改了这条记录", await conflict.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("第一位的备注", await app.DbAsync(db => db.Residents.Where(r => r.Id == resident.Id).Select(r => r.Notes).SingleAsync()));

        static FormUrlEncodedContent Form(AngleSharp.Html.Dom.IHtmlDocument page, string notes)
        {
            var form = page.Forms.Single(f => f.Method.Equals("post", StringComparison.OrdinalIgnoreCase) && f.QuerySelector("[name=Version]") is not null);
            var values = form.QuerySelectorAll("input[type=hidden], input[type=text], input:not([type]), select")
                .Select(e => new KeyValuePair<string, string>(e.GetAttribute("name") ?? "", (e as AngleSharp.Html.Dom.IHtmlInputElement)?.Value ?? (e as AngleSharp.Html.Dom.IHtmlSelectElement)?.Value ?? ""))
                .Where(kv => kv.Key.Length > 0 && kv.Key != "Notes").ToList();
            values.Add(new("Notes", notes));
            return new FormUrlEncodedContent(values);
        }
    }

    [Fact]
    public async Task ExportEscapesFormulasMasksForStaffAndIsAudited()
    {
        var compound = ImportTests.NewCompound();
        var rows = new[]
        {
            Sheets.Header,
            ImportTests.Row(compound, "1号", "1", "101", "胡敏", phone: "13811112222"),
        };
        rows[1][14] = "=HYPERLINK(\"http://evil\",\"click\")";
        var imports = new ImportTests(app);
        await imports.ImportAsync("staff", Sheets.Csv(rows, Sheets.Utf8, true), "x.csv", dryRun: false);
        var compoundId = await app.DbAsync(db => db.Compounds.Where(c => c.Name == compound).Select(c => c.Id).SingleAsync());

        var staff = await app.ApiAsync("staff");
        var csv = await staff.GetStringAsync($"/api/v1/ledger/export?compoundId={compoundId}&format=csv");
        Assert.Contains("'=HYPERLINK", csv, StringComparison.Ordinal);
        Assert.Contains("1*******222", csv, StringComparison.Ordinal);
        Assert.Matches(@"[1-9]\*{16}[0-9X]", csv);

        var xlsx = await staff.GetByteArrayAsync($"/api/v1/ledger/export?compoundId={compoundId}&format=xlsx");
        var sheet = new MemoryStream(xlsx).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().Single();
        Assert.Equal("'=HYPERLINK(\"http://evil\",\"click\")", sheet["备注"]);

        var audits = await app.DbAsync(db => db.AuditLog.Where(a => a.Action == AuditAction.Export && a.EntityId == compoundId.ToString()).ToListAsync());
        Assert.Equal(2, audits.Count);
        Assert.All(audits, a => Assert.Contains("masked", a.Changes, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACommandersFullExportImportsBackUnchanged()
    {
        var compoundId = await app.DbAsync(db => db.Compounds.Where(c => c.Name == "中原小区").Select(c => c.Id).SingleAsync());
        var commander = await app.ApiAsync("commander");
        var xlsx = await commander.GetByteArrayAsync($"/api/v1/ledger/export?compoundId={compoundId}&format=xlsx");
        var report = await new ImportTests(app).ImportAsync("commander", xlsx, "roundtrip.xlsx", dryRun: true);
        Assert.Equal(0, report.GetProperty("errorCount").GetInt32());
        Assert.Equal(0, report.GetProperty("created").GetInt32());
        Assert.Equal(report.GetProperty("rowsRead").GetInt32(), report.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task VolunteersCannotExport()
    {
        var volunteer = await app.ApiAsync("volunteer");
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.GetAsync("/api/v1/ledger/export?format=csv")).StatusCode);
    }

    [Fact]
    public async Task SlipsCarryEachResidentsSamplingCodeAsAQrCode()
    {
        var building = await app.DbAsync(db => db.Buildings.Where(b => b.Number == "1号" && db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == "中原小区")).Select(b => b.Id).SingleAsync());
        var pages = await app.PagesAsync("staff");
        var (response, _) = await pages.GetAsync($"/Ledger/Buildings/{building}/Slips");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var commander = await app.PagesAsync("commander");
        var document = await commander.PageAsync($"/Ledger/Buildings/{building}/Slips");
        var codes = document.QuerySelectorAll(".slip-code").Select(e => e.TextContent.Trim()).ToList();
        var expected = await app.DbAsync(db => db.Residents.Where(r => r.BuildingId == building && r.Status != ResidenceStatus.Away && r.Status != ResidenceStatus.MovedOut).Select(r => r.SamplingCode).ToListAsync());
        Assert.Equal(expected.Order(), codes.Order());
        Assert.Equal(codes.Count, document.QuerySelectorAll(".slip-qr svg path").Length);
        Assert.All(codes, c => Assert.True(SamplingCodes.LooksLike(c), c));
    }
}
