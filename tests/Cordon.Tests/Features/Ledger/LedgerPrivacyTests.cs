using System.Net;
using System.Text;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Platform.Audit;
using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Ledger;

/// <summary>The ledger's part of issue 9: what an import or an edit says about numbers held elsewhere, bounds, encodings.</summary>
public sealed class LedgerPrivacyTests(DemoApp app)
{
    private const string Elsewhere = "中原小区";

    [Fact]
    public async Task AnIdNumberHeldOutsideTheJurisdictionCannotBeUsedHereAndNothingSaysWhere()
    {
        var (number, flat) = await app.DbAsync(db => db.Residents.Where(r => r.DocumentType == DocumentType.IdCard && r.DocumentNumber != null
            && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == Elsewhere)).Select(r => new { r.DocumentNumber, r.FlatId }).FirstAsync()) is var x ? (x.DocumentNumber!, x.FlatId) : default;
        var room = await app.DbAsync(db => db.Flats.Where(f => f.Id == flat).Select(f => f.Room).SingleAsync());
        var before = DateTime.UtcNow.AddSeconds(-1);
        var file = Sheets.Csv([Sheets.Header, ImportTests.Row(ImportTests.NewCompound(), "1", "1", "101", "探测", number)], Sheets.Utf8, true);
        var report = await new ImportTests(app).ImportAsync("staff", file, "oracle.csv", dryRun: true);
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal("document_unavailable", error.GetProperty("code").GetString());
        Assert.Contains("请联系指挥部", error.GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Elsewhere, error.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(room, error.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The preview itself is a bulk read: one audit line with its size.
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.Action == AuditAction.Read && a.EntityId == "import-dry-run" && a.UserName == "staff" && a.At >= before)));

        // The edit page says the same, and no more.
        var own = await app.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == "国定路400弄") && r.DocumentType == DocumentType.IdCard)
            .Select(r => new { r.Id, r.Name }).FirstAsync());
        var staff = await app.PagesAsync("staff");
        var answer = await staff.SubmitAsync($"/Ledger/Residents/Edit/{own.Id}", new() { ["Name"] = own.Name, ["DocumentNumber"] = number });
        var html = await answer.Content.ReadAsStringAsync();
        Assert.Contains("此证件号码不能在这里使用，请联系指挥部", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Elsewhere, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RoomNumbersAndFloorsHavePlausibleBounds()
    {
        var compound = ImportTests.NewCompound();
        var file = Sheets.Csv([Sheets.Header, ImportTests.Row(compound, "1", "1", "123456789", "张一"), ImportTests.Row(compound, "1", "1", "99901", "张二"), ImportTests.Row(compound, "1", "1", "3302", "张三")], Sheets.Utf8, true);
        var report = await new ImportTests(app).ImportAsync("staff", file, "rooms.csv", dryRun: false, mode: "valid");
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([2, 3], errors.Select(e => e.GetProperty("row").GetInt32()));
        Assert.All(errors, e => Assert.Equal(("room_invalid", "室号"), (e.GetProperty("code").GetString(), e.GetProperty("column").GetString())));
        var floors = await app.DbAsync(db => db.Buildings.Where(b => db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == compound)).Select(b => b.Floors).SingleAsync());
        Assert.Equal(33, floors);
    }

    [Fact]
    public async Task AUnicodeTextFileFromExcelIsRead()
    {
        var compound = ImportTests.NewCompound();
        var rows = new[] { Sheets.Header, ImportTests.Row(compound, "2", "1", "201", "王小二") };
        var text = string.Join("\r\n", rows.Select(r => string.Join("\t", r))) + "\r\n";
        var file = (byte[])[.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)];
        var report = await new ImportTests(app).ImportAsync("staff", file, "台账.txt", dryRun: true);
        Assert.Equal(1, report.GetProperty("created").GetInt32());
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task InvisibleAndDirectionCharactersInNamesAreRefused()
    {
        Assert.Equal(PeopleErrors.NameInvalid, ResidentRules.Name("张\u200b三").Error);
        Assert.Equal(PeopleErrors.NameInvalid, ResidentRules.Name("张\u202e三").Error);
        Assert.Null(ResidentRules.Name("𠮷野家").Error);
        Assert.Equal("张 三", ResidentRules.Name("张　 三").Value);

        var look = DemoData.BigCompound.Insert(3, "\u200b");
        var file = Sheets.Csv([Sheets.Header, ImportTests.Row(look, "1", "1", "101", "李四")], Sheets.Utf8, true);
        var report = await new ImportTests(app).ImportAsync("staff", file, "lookalike.csv", dryRun: true);
        var error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal(("value_invisible", "小区"), (error.GetProperty("code").GetString(), error.GetProperty("column").GetString()));
        Assert.False(await app.DbAsync(db => db.Compounds.AnyAsync(c => c.Name == look)));
    }
}
