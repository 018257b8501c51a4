using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Ledger;
using Cordon.Platform.Audit;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Ledger;

public sealed class ImportTests(DemoApp app)
{
    private static int SequenceCounter;

    [Fact]
    public async Task ACsvInUtf8WithBomIsImported()
    {
        var compound = NewCompound();
        var rows = new[] { Sheets.Header, Row(compound, "1号", "1", "101", "王秀英"), Row(compound, "1号", "1", "102", "李建国") };
        var report = await ImportAsync("commander", Sheets.Csv(rows, Sheets.Utf8, bom: true), "台账.csv", dryRun: false);
        Assert.Equal(2, report.GetProperty("rowsRead").GetInt32());
        Assert.Equal(2, report.GetProperty("created").GetInt32());
        Assert.True(report.GetProperty("committed").GetBoolean());
        Assert.Equal(["李建国", "王秀英"], await NamesInAsync(compound));
    }

    [Fact]
    public async Task ACsvWithoutBomAndOneInGb18030AreBothRead()
    {
        var plain = NewCompound();
        var report = await ImportAsync("commander", Sheets.Csv([Sheets.Header, Row(plain, "2号", "1", "201", "赵丽")], Sheets.Utf8, bom: false), "a.csv", dryRun: false);
        Assert.Equal(1, report.GetProperty("created").GetInt32());
        Assert.Equal(["赵丽"], await NamesInAsync(plain));

        var gb = NewCompound();
        report = await ImportAsync("commander", Sheets.Csv([Sheets.Header, Row(gb, "3号", "2", "301", "钱欣怡")], Sheets.Gb18030, bom: false), "b.csv", dryRun: false);
        Assert.Equal(1, report.GetProperty("created").GetInt32());
        Assert.Equal(["钱欣怡"], await NamesInAsync(gb));
    }

    [Fact]
    public async Task TitleRowsAboveTheHeaderAndBlankRowsAreSkippedAndRowsKeepTheirSpreadsheetNumbers()
    {
        var compound = NewCompound();
        object?[][] rows =
        [
            ["五角场街道人房台账（2022年3月）"],
            ["填表人：居委会", null, null, "日期：2022-03-07"],
            [],
            [.. Sheets.Header],
            Row(compound, "5号", "1", "101", "孙伟"),
            [],
            Row(compound, "5号", "1", "102", "<script>alert(1)</script>"),
            Row(compound, "5号", "1", "201", "周敏"),
        ];
        var report = await ImportAsync("commander", Sheets.Xlsx(rows), "title.xlsx", dryRun: true);
        Assert.Equal(3, report.GetProperty("rowsRead").GetInt32());
        var error = report.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal(7, error.GetProperty("row").GetInt32());
        Assert.Equal("姓名", error.GetProperty("column").GetString());
        Assert.Equal("name_invalid", error.GetProperty("code").GetString());
        Assert.Equal("<script>alert(1)</script>", error.GetProperty("value").GetString());
        Assert.Contains("姓名", error.GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.Contains("name", error.GetProperty("en").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIdNumberExcelRoundedIsReportedAsSuchNotAsAChecksumError()
    {
        var compound = NewCompound();
        var good = NextId();
        object?[][] rows =
        [
            [.. Sheets.Header],
            ["政立路居民区", compound, "6号", "1", "101", "吴涛", "居民身份证", 3.10101199001011E+17, 13812345678d, "", "", "", "", "", ""],
            ["政立路居民区", compound, "6号", "1", "102", "郑洁", "居民身份证", "310101199001011000", "", "", "", "", "", "", ""],
            ["政立路居民区", compound, "6号", "1", "201", "冯刚", "居民身份证", good, "", "", "", "", "", "", ""],
        ];
        var report = await ImportAsync("commander", Sheets.Xlsx(rows), "rounded.xlsx", dryRun: true);
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([2, 3], errors.Select(e => e.GetProperty("row").GetInt32()));
        Assert.All(errors, e => Assert.Equal("id_rounded_by_spreadsheet", e.GetProperty("code").GetString()));
        Assert.All(errors, e => Assert.Equal("证件号码", e.GetProperty("column").GetString()));
        Assert.Contains("format the column as text", errors[0].GetProperty("en").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADryRunStoresNothingAndPreviewsWhatWouldBeCreated()
    {
        var compound = NewCompound();
        var report = await ImportAsync("commander", Sheets.Csv([Sheets.Header, Row(compound, "7号", "1", "1203", "陈超")], Sheets.Utf8, true), "d.csv", dryRun: true);
        Assert.Equal(1, report.GetProperty("created").GetInt32());
        Assert.False(report.GetProperty("committed").GetBoolean());
        Assert.Equal([compound], report.GetProperty("newCompounds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, report.GetProperty("newBuildings").GetInt32());
        Assert.Empty(await NamesInAsync(compound));
        Assert.False(await app.DbAsync(db => db.Compounds.AnyAsync(c => c.Name == compound)));
    }

    [Fact]
    public async Task AllOrNothingStoresNothingWhenOneRowIsWrongAndValidOnlyStoresTheRest()
    {
        var compound = NewCompound();
        var rows = new[]
        {
            Sheets.Header,
            Row(compound, "8号", "1", "101", "黄磊"),
            Row(compound, "8号", "1", "102", "林静", id: "110105194912310021"),
        };
        var file = Sheets.Csv(rows, Sheets.Utf8, true);
        var all = await ImportAsync("commander", file, "e.csv", dryRun: false, mode: "all");
        Assert.False(all.GetProperty("committed").GetBoolean());
        Assert.Equal("id_check_digit", all.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(3, all.GetProperty("errors")[0].GetProperty("row").GetInt32());
        Assert.Empty(await NamesInAsync(compound));

        var valid = await ImportAsync("commander", file, "e.csv", dryRun: false, mode: "valid");
        Assert.True(valid.GetProperty("committed").GetBoolean());
        Assert.Equal(["黄磊"], await NamesInAsync(compound));
    }

    [Fact]
    public async Task ReimportingTheSameFileChangesNothing()
    {
        var compound = NewCompound();
        var rows = new[]
        {
            Sheets.Header,
            Row(compound, "9号", "2", "301", "高翔"),
            Row(compound, "9号", "2", "301", "高宇", id: ""),
            Row(compound, "9号", "2", "302", "罗燕", tags: "独居、孕产妇"),
        };
        var file = Sheets.Csv(rows, Sheets.Utf8, true);
        var first = await ImportAsync("commander", file, "f.csv", dryRun: false);
        Assert.Equal(3, first.GetProperty("created").GetInt32());
        // This compound's residents only: other tests on the shared app write residents meanwhile.
        var ids = await app.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound)).Select(r => r.Id.ToString()).ToListAsync());
        var auditBefore = await app.DbAsync(db => db.AuditLog.CountAsync(a => a.EntityType == "Resident" && ids.Contains(a.EntityId!)));

        var second = await ImportAsync("commander", file, "f.csv", dryRun: false);
        Assert.Equal(0, second.GetProperty("created").GetInt32());
        Assert.Equal(0, second.GetProperty("updated").GetInt32());
        Assert.Equal(3, second.GetProperty("unchanged").GetInt32());
        Assert.Equal(3, ids.Count);
        Assert.Equal(auditBefore, await app.DbAsync(db => db.AuditLog.CountAsync(a => a.EntityType == "Resident" && ids.Contains(a.EntityId!))));
        Assert.Equal(3, (await NamesInAsync(compound)).Count);
    }

    [Fact]
    public async Task ABuildingGrowsToTheHighestFloorAndEntranceItsRowsName()
    {
        var compound = NewCompound();
        var rows = new[]
        {
            Sheets.Header,
            Row(compound, "5号", "1", "101", "郑浩"),
            Row(compound, "5号", "1", "1203", "冯静"),
            Row(compound, "5号", "2", "602", "邓磊"),
            Row(compound, "6号", "1", "301", "曹洋"),
        };
        await ImportAsync("commander", Sheets.Csv(rows, Sheets.Utf8, true), "grow.csv", dryRun: false);
        Assert.Equal([("5号", 12, 2), ("6号", 3, 1)], await BuildingsInAsync(compound));

        // A later file that knows a higher floor and a third entrance grows the stored building, audited.
        await ImportAsync("commander", Sheets.Csv([Sheets.Header, Row(compound, "6号", "3", "1801", "彭雪")], Sheets.Utf8, true), "grow2.csv", dryRun: false);
        Assert.Equal([("5号", 12, 2), ("6号", 18, 3)], await BuildingsInAsync(compound));
        var building = await app.DbAsync(db => db.Buildings.Where(b => b.Number == "6号" && db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == compound)).Select(b => b.Id).SingleAsync());
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.EntityType == "Building" && a.EntityId == building.ToString() && a.Action == AuditAction.Update)));
    }

    [Fact]
    public async Task AnImportUpdatesByDocumentNumberAndTheChangeIsInTheResidentsHistory()
    {
        var compound = NewCompound();
        var id = NextId();
        await ImportAsync("commander", Sheets.Csv([Sheets.Header, Row(compound, "10号", "1", "101", "马红", id: id, phone: "13900000001")], Sheets.Utf8, true), "g.csv", false);
        var report = await ImportAsync("commander", Sheets.Csv([Sheets.Header, Row(compound, "10号", "1", "101", "马红", id: id, phone: "13900000002")], Sheets.Utf8, true), "g2.csv", false);
        Assert.Equal(1, report.GetProperty("updated").GetInt32());

        var resident = await app.DbAsync(db => db.Residents.SingleAsync(r => r.DocumentNumber == id));
        Assert.Equal("13900000002", resident.Phone);
        var history = await app.DbAsync(db => db.AuditLog.Where(a => a.EntityId == resident.Id.ToString()).OrderBy(a => a.At).ToListAsync());
        Assert.Equal([AuditAction.Create, AuditAction.Update], history.Select(h => h.Action));
        var change = AuditChanges.Parse(history[1].Changes).Single();
        Assert.Equal(("Phone", "1*******001", "1*******002"), (change.Field, change.Before, change.After));
    }

    [Fact]
    public async Task DuplicatesInTheFileAndNumbersHeldElsewhereAreRowErrors()
    {
        var compound = NewCompound();
        var id = NextId();
        var existing = await app.DbAsync(db => db.Residents.Where(r => r.DocumentType == DocumentType.IdCard && r.DocumentNumber != null).Select(r => r.DocumentNumber!).FirstAsync());
        var rows = new[]
        {
            Sheets.Header,
            Row(compound, "11号", "1", "101", "朱明", id: id),
            Row(compound, "11号", "1", "102", "胡平", id: id),
            Row(compound, "11号", "1", "201", "郭飞", id: existing),
        };
        var report = await ImportAsync("commander", Sheets.Csv(rows, Sheets.Utf8, true), "h.csv", dryRun: true);
        var errors = report.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(("duplicate_in_file", 3), (errors[0].GetProperty("code").GetString(), errors[0].GetProperty("row").GetInt32()));
        Assert.Contains("第 2 行", errors[0].GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.Equal(("document_held_elsewhere", 4), (errors[1].GetProperty("code").GetString(), errors[1].GetProperty("row").GetInt32()));
    }

    [Fact]
    public async Task FullWidthCharactersAndTrailingSpacesAreTolerated()
    {
        var compound = NewCompound();
        var row = Row(compound, "１２号楼 ", "３", "５０２室 ", "何　佳 ");
        row[5] = "何佳 ";
        var report = await ImportAsync("commander", Sheets.Csv([Sheets.Header.Select(h => h + " ").ToArray(), row], Sheets.Utf8, true), "w.csv", false);
        Assert.Equal(1, report.GetProperty("created").GetInt32());
        var flat = await app.DbAsync(db => db.Flats.Where(f => db.Compounds.Any(c => c.Id == f.CompoundId && c.Name == compound))
            .Join(db.Buildings, f => f.BuildingId, b => b.Id, (f, b) => new { b.Number, f.Entrance, f.Room, f.Floor }).SingleAsync());
        Assert.Equal(("12号", 3, "502", 5), (flat.Number, flat.Entrance, flat.Room, flat.Floor));
    }

    [Fact]
    public async Task StaffCannotImportIntoANeighborhoodOutsideTheirJurisdiction()
    {
        var compound = NewCompound();
        var rows = new[] { Sheets.Header, Row(compound, "1号", "1", "101", "宋丽", neighborhood: "国权东路居民区") };
        var report = await ImportAsync("staff", Sheets.Csv(rows, Sheets.Utf8, true), "j.csv", dryRun: false);
        Assert.Equal("outside_jurisdiction", report.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.False(report.GetProperty("committed").GetBoolean());

        var own = await ImportAsync("staff", Sheets.Csv([Sheets.Header, Row(compound, "1号", "1", "101", "宋丽", neighborhood: "政立路居民区")], Sheets.Utf8, true), "k.csv", false);
        Assert.Equal(1, own.GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task VolunteersMayNotImport()
    {
        var client = await app.ApiAsync("volunteer");
        var response = await client.PostAsync("/api/v1/ledger/import", File(Sheets.Csv([Sheets.Header], Sheets.Utf8, true), "x.csv"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("renamed.xlsx", "not a spreadsheet at all, just text", "file_not_spreadsheet", 415)]
    [InlineData("photo.xlsx", "\u0089PNG\r\n\u001a\n\0\0\0", "file_not_spreadsheet", 415)]
    [InlineData("old.xls", "\u00D0\u00CF\u0011\u00E0\u00A1\u00B1\u001A\u00E1", "file_legacy_xls", 415)]
    public async Task FilesThatAreNotSpreadsheetsAreRefusedClearly(string name, string content, string code, int status)
    {
        var bytes = content.Select(c => (byte)c).ToArray();
        var client = await app.ApiAsync("commander");
        var response = await client.PostAsync("/api/v1/ledger/import?dryRun=true", File(bytes, name));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AZipBombIsRefused()
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, true))
        {
            zip.CreateEntry("[Content_Types].xml").Open().Dispose();
            zip.CreateEntry("xl/workbook.xml").Open().Dispose();
            var entry = zip.CreateEntry("xl/worksheets/sheet1.xml", System.IO.Compression.CompressionLevel.SmallestSize);
            using var stream = entry.Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 400; i++)
            {
                stream.Write(zeros);
            }
        }

        var client = await app.ApiAsync("commander");
        var response = await client.PostAsync("/api/v1/ledger/import?dryRun=true", File(buffer.ToArray(), "bomb.xlsx"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("file_zip_bomb", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnOversizedUploadIsRefusedWithItsLimitBeforeItIsRead()
    {
        var client = await app.ApiAsync("commander");
        var before = Directory.GetFiles(Path.Combine(app.Database.DataDirectory, "imports")).Length;
        using var form = new MultipartFormDataContent { { new Zeros(101L * 1024 * 1024, knownLength: true), "file", "big.csv" } };
        var response = await client.PostAsync("/api/v1/ledger/import", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("file_too_large", problem.GetProperty("code").GetString());
        Assert.Contains("100 MB", problem.GetProperty("zh").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFiles(Path.Combine(app.Database.DataDirectory, "imports")).Length);
    }

    [Fact]
    public async Task AnUploadWithoutALengthIsCutOffAtTheLimitWhileItStreamsAndNothingOfItIsKept()
    {
        var client = await app.ApiAsync("commander");
        using var form = new MultipartFormDataContent { { new Zeros(101L * 1024 * 1024, knownLength: false), "file", "chunked.csv" } };
        form.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ledger/import") { Content = form };
        request.Headers.TransferEncodingChunked = true;
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("file_too_large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(app.Database.DataDirectory, "imports")), f => new FileInfo(f).Length > 50 * 1024 * 1024);
    }

    [Fact]
    public async Task TheTemplatesExampleRowIsSkippedWithANotice()
    {
        var compound = NewCompound();
        var client = await app.ApiAsync("commander");
        var template = await client.GetByteArrayAsync("/api/v1/ledger/template");
        var report = await ImportAsync("commander", template, "模板.xlsx", dryRun: true);
        Assert.Equal(1, report.GetProperty("rowsRead").GetInt32());
        Assert.Equal(0, report.GetProperty("created").GetInt32());
        Assert.Equal(0, report.GetProperty("errorCount").GetInt32());
        var notice = report.GetProperty("notices").EnumerateArray().Single();
        Assert.Equal(("example_row_skipped", 2), (notice.GetProperty("code").GetString(), notice.GetProperty("row").GetInt32()));
        Assert.Contains("示例行", notice.GetProperty("zh").GetString(), StringComparison.Ordinal);

        // The example left above a committee's real rows: the real ones are imported, the example never.
        object?[][] rows =
        [
            [.. Sheets.Header],
            ["政立路居民区", "政立路580弄", "12号", "3", "502", "张三", "居民身份证", "11010519491231002X", "13812345678", "", "", "户主", "常住", "独居", "示例行，导入前请删除"],
            [.. Row(compound, "1号", "1", "101", "沈丽")],
        ];
        var real = await ImportAsync("commander", Sheets.Xlsx(rows), "填好的模板.xlsx", dryRun: false);
        Assert.Equal(1, real.GetProperty("created").GetInt32());
        Assert.Equal("example_row_skipped", real.GetProperty("notices")[0].GetProperty("code").GetString());
        Assert.False(await app.DbAsync(db => db.Residents.AnyAsync(r => r.DocumentNumber == "11010519491231002X")));
        Assert.Equal(["沈丽"], await NamesInAsync(compound));
    }

    [Fact]
    public async Task ASmallImportIsAnsweredAtOnceAndItsRowsWithErrorsCanBeDownloaded()
    {
        var compound = NewCompound();
        var rows = new[] { Sheets.Header, Row(compound, "2号", "1", "101", "韩梅"), Row(compound, "2号", "1", "102", "韩雪", id: "110105194912310021") };
        var report = await ImportAsync("commander", Sheets.Csv(rows, Sheets.Utf8, true), "small.csv", dryRun: true);
        var url = report.GetProperty("errorRowsUrl").GetString()!;
        Assert.Equal($"/api/v1/ledger/imports/{report.GetProperty("id").GetGuid()}/errors.xlsx", url);
        var client = await app.ApiAsync("commander");
        var book = ImportJobTests.ReadXlsx(await client.GetByteArrayAsync(url));
        Assert.Equal("错误", book[0][0]);
        Assert.Equal(2, book.Count);
        Assert.Contains("第 3 行", book[1][0], StringComparison.Ordinal);
        Assert.Equal("韩雪", book[1][6]);

        var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/imports/{report.GetProperty("id").GetGuid()}");
        Assert.Equal(("done", 1), (job.GetProperty("state").GetString(), job.GetProperty("rowsWithErrors").GetInt32()));
    }

    [Fact]
    public async Task AFileWithoutTheRequiredColumnsSaysWhichAreMissing()
    {
        var client = await app.ApiAsync("commander");
        var response = await client.PostAsync("/api/v1/ledger/import", File(Sheets.Csv([["姓名", "手机号", "证件号码"], ["张三", "13800000000", ""]], Sheets.Utf8, true), "m.csv"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("columns_missing", problem.GetProperty("code").GetString());
        Assert.Contains("小区", problem.GetProperty("zh").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkWrittenRowsAreStoredExactlyAsEntityFrameworkWouldStoreThem()
    {
        var compound = NewCompound();
        await ImportAsync("commander", Sheets.Csv([Sheets.Header, Row(compound, "1号", "1", "101", "许明", tags: "独居")], Sheets.Utf8, true), "bulk.csv", dryRun: false);
        var (imported, seeded) = await app.DbAsync(async db =>
        {
            var importedId = await db.Residents.Where(r => r.Name == "许明" && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound)).Select(r => r.Id).SingleAsync();
            var seededId = await db.Residents.Where(r => r.Status == ResidenceStatus.Resident && r.Tags == NeedTag.LivesAlone).Select(r => r.Id).FirstAsync();
            return (await RawAsync(db, importedId), await RawAsync(db, seededId));
        });
        Assert.Equal(seeded.Status, imported.Status);
        Assert.Equal(seeded.DocumentType, imported.DocumentType);
        Assert.Equal(seeded.Tags, imported.Tags);
        Assert.Equal(seeded.Id.Length, imported.Id.Length);
        Assert.Equal(seeded.Id == seeded.Id.ToUpperInvariant(), imported.Id == imported.Id.ToUpperInvariant());
        Assert.Equal(Shape(seeded.CreatedAt), Shape(imported.CreatedAt));

        // Digits vary, separators and zone markers must not.
        static string Shape(string text) => System.Text.RegularExpressions.Regex.Replace(text, "[0-9]+", "9");

        static async Task<RawRow> RawAsync(Cordon.Platform.Data.CordonDb db, Guid id) =>
            await db.Database.SqlQueryRaw<RawRow>(
                "SELECT CAST(\"Id\" AS TEXT) AS \"Id\", CAST(\"Status\" AS TEXT) AS \"Status\", CAST(\"DocumentType\" AS TEXT) AS \"DocumentType\", CAST(\"Tags\" AS TEXT) AS \"Tags\", CAST(\"CreatedAt\" AS TEXT) AS \"CreatedAt\" FROM \"Residents\" WHERE \"Id\" = {0}", id)
                .SingleAsync();
    }

    public sealed record RawRow(string Id, string Status, string DocumentType, string Tags, string CreatedAt);

    internal static string NextId()
    {
        var n = Interlocked.Increment(ref SequenceCounter);
        return IdNumber.Compose("320102", new DateOnly(1950, 1, 1).AddDays(n * 37 % 20000), 500 + (n % 499));
    }

    internal static string NewCompound() => "测试小区" + Guid.NewGuid().ToString("N")[..8];

    internal static string[] Row(string compound, string building, string entrance, string room, string name,
        string? id = null, string phone = "", string tags = "", string neighborhood = "政立路居民区") =>
        [neighborhood, compound, building, entrance, room, name, "居民身份证", id ?? NextId(), phone, "", "", "", "", tags, ""];

    internal async Task<JsonElement> ImportAsync(string user, byte[] file, string name, bool dryRun, string mode = "all")
    {
        var client = await app.ApiAsync(user);
        var response = await client.PostAsync($"/api/v1/ledger/import?dryRun={dryRun.ToString().ToLowerInvariant()}&mode={mode}", File(file, name));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    internal static MultipartFormDataContent File(byte[] bytes, string name)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { content, "file", name } };
    }

    private async Task<List<(string Number, int Floors, int Entrances)>> BuildingsInAsync(string compound) =>
        [.. (await app.DbAsync(db => db.Buildings.Where(b => db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == compound))
            .OrderBy(b => b.Number).Select(b => new { b.Number, b.Floors, b.Entrances }).ToListAsync()))
            .Select(b => (b.Number, b.Floors, b.Entrances))];

    /// <summary>A body of zeros streamed without being held, with or without a declared length.</summary>
    internal sealed class Zeros(long length, bool knownLength) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var block = new byte[64 * 1024];
            for (long sent = 0; sent < length; sent += block.Length)
            {
                await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, length - sent)));
            }
        }

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            return knownLength;
        }
    }

    private Task<List<string>> NamesInAsync(string compound) => app.DbAsync(db =>
        db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound)).OrderBy(r => r.Name).Select(r => r.Name).ToListAsync());
}
