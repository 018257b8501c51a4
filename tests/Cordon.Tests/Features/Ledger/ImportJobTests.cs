using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cordon.Features.Ledger.Import;
using Cordon.Platform.Files;
using Cordon.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiniExcelLibs;

namespace Cordon.Tests.Features.Ledger;

/// <summary>The demo app with background imports from 100 rows up, so the job's mechanics are tested on small files.</summary>
public sealed class ImportJobApp : CordonApp
{
    public const int Threshold = 100;

    public ImportJobApp()
        : this(Threshold)
    {
    }

    /// <summary>With the real thresholds when <paramref name="threshold"/> is null.</summary>
    internal ImportJobApp(int? threshold)
    {
        if (threshold is { } rows)
        {
            With("Cordon:Import:BackgroundAboveRows", rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// A small pool: these apps live beside the shared demo app, and PostgreSQL's 100 connections are shared by every
    /// app of the run (the sampling tests open many at once).
    /// </summary>
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (Database.ConnectionString is { } connection)
        {
            builder.UseSetting("ConnectionStrings:Cordon", connection + ";Maximum Pool Size=10");
        }
    }
}

public sealed class ImportJobTests(ImportJobApp app) : IClassFixture<ImportJobApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AFileOverTwentyThousandRowsIsAnsweredWith202AndALocationAndPolledToDoneWithTheRightCounts()
    {
        // The real thresholds, on an app of its own (its sub-district busy with this job would queue other tests' imports).
        await using var fresh = new ImportJobApp(threshold: null);
        await fresh.InitializeAsync();
        var compound = ImportTests.NewCompound();
        var client = await fresh.ApiAsync("commander");
        var response = await client.PostAsync("/api/v1/ledger/import?dryRun=false&mode=all", ImportTests.File(Csv(compound, 25_000), "全街道.csv"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.Matches("^/api/v1/ledger/imports/[0-9a-f-]{36}$", location);

        var job = await DoneAsync(client, location);
        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal((25_000, 25_000, 0, 0), (job.GetProperty("rowsRead").GetInt32(), job.GetProperty("created").GetInt32(), job.GetProperty("updated").GetInt32(), job.GetProperty("unchanged").GetInt32()));
        Assert.Empty(job.GetProperty("errors").EnumerateArray());
        Assert.Equal(25_000, job.GetProperty("rowsWritten").GetInt32());
        Assert.Equal(25_000, await fresh.DbAsync(db => db.Residents.CountAsync(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound))));

        // The job held the upload while it ran and deleted it when it had written it.
        Assert.Empty(Directory.GetFiles(Path.Combine(fresh.Database.DataDirectory, "imports", "held")));
        Assert.Empty(Directory.GetFiles(Path.Combine(fresh.Database.DataDirectory, "imports"), $"*{location[^36..].Replace("-", "", StringComparison.Ordinal)}*"));
    }

    [Fact]
    public async Task AnAllOrNothingJobChecksTheWholeFileFirstAndWritesNothingWhenOneRowIsWrong()
    {
        var compound = ImportTests.NewCompound();
        var rows = Rows(compound, 500).ToList();
        rows[400][7] = "110105194912310021";
        var client = await app.ApiAsync("commander");
        var job = await DoneAsync(client, await PostAsync(client, Csv(rows), "all.csv", dryRun: false, mode: "all"));
        Assert.Equal(("done", 1, 0), (job.GetProperty("state").GetString(), job.GetProperty("errorCount").GetInt32(), job.GetProperty("rowsWritten").GetInt32()));
        Assert.Equal(402, job.GetProperty("errors")[0].GetProperty("row").GetInt32());
        Assert.Equal(0, await CountAsync(compound));

        // The same upload, the other choice, without uploading again: only the valid rows.
        var pages = await app.PagesAsync("commander");
        var id = job.GetProperty("id").GetGuid();
        var page = await pages.PageAsync($"/Ledger/Import/{id}");
        Assert.NotNull(page.QuerySelector("input[name=Mode][value=valid][checked]"));
        var answer = await pages.SubmitAsync($"/Ledger/Import/{id}", new() { ["Mode"] = "valid" }, "form.choice");
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var second = await DoneAsync(client, "/api/v1/ledger/imports/" + answer.Headers.Location!.ToString()[^36..]);
        Assert.Equal(499, second.GetProperty("created").GetInt32());
        Assert.Equal(499, await CountAsync(compound));
    }

    [Fact]
    public async Task ACancelledJobKeepsTheChunksItCommittedAndSaysHowMany()
    {
        var compound = ImportTests.NewCompound();
        var client = await app.ApiAsync("commander");
        var file = Csv(compound, 60_000);
        var location = await PostAsync(client, file, "cancel.csv", dryRun: false, mode: "valid");
        await WaitAsync(client, location, j => j.GetProperty("rowsWritten").GetInt32() >= LedgerImporter.ChunkSize);

        var cancel = await client.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var job = await DoneAsync(client, location);
        Assert.Equal("cancelled", job.GetProperty("state").GetString());
        var written = job.GetProperty("rowsWritten").GetInt32();
        Assert.InRange(written, LedgerImporter.ChunkSize, 60_000 - LedgerImporter.ChunkSize);
        Assert.Equal(written, job.GetProperty("created").GetInt32());
        Assert.Equal(written, await CountAsync(compound));

        // What it stopped before is added by importing the same file again; nobody is doubled.
        var again = await DoneAsync(client, await PostAsync(client, file, "cancel.csv", dryRun: false, mode: "valid"));
        Assert.Equal((60_000 - written, written), (again.GetProperty("created").GetInt32(), again.GetProperty("unchanged").GetInt32()));
        Assert.Equal(60_000, await CountAsync(compound));
    }

    [Fact]
    public async Task ACancelledPreviewOrAllOrNothingJobWritesNothing()
    {
        var compound = ImportTests.NewCompound();
        var client = await app.ApiAsync("commander");
        var location = await PostAsync(client, Csv(compound, 60_000), "check.csv", dryRun: false, mode: "all");
        await WaitAsync(client, location, j => j.GetProperty("rowsChecked").GetInt32() >= LedgerImporter.ChunkSize);
        await client.DeleteAsync(location);
        var job = await DoneAsync(client, location);
        Assert.Equal(("cancelled", 0), (job.GetProperty("state").GetString(), job.GetProperty("rowsWritten").GetInt32()));
        Assert.Equal(0, await CountAsync(compound));
    }

    [Fact]
    public async Task OneImportRunsAtATimePerSubdistrictAndTheNextOneWaitsAndSaysSo()
    {
        var first = ImportTests.NewCompound();
        var second = ImportTests.NewCompound();
        var client = await app.ApiAsync("commander");
        var a = await PostAsync(client, Csv(first, 15_000), "a.csv", dryRun: false, mode: "valid");

        // A small file is imported at once, unless another import of the sub-district waits or runs: then it queues too.
        var b = await client.PostAsync("/api/v1/ledger/import?dryRun=false&mode=valid", ImportTests.File(Csv(second, 5), "b.csv"));
        Assert.Equal(HttpStatusCode.Accepted, b.StatusCode);
        var queued = await client.GetFromJsonAsync<JsonElement>(b.Headers.Location);
        Assert.Equal("queued", queued.GetProperty("state").GetString());
        var pages = await app.PagesAsync("commander");
        var page = await pages.PageAsync("/Ledger/Import/" + b.Headers.Location!.ToString()[^36..]);
        Assert.Contains("排队中", page.QuerySelector("#job")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("#job[hx-trigger='every 2s']"));

        var jobA = await DoneAsync(client, a);
        var jobB = await DoneAsync(client, b.Headers.Location!.ToString());
        Assert.Equal((15_000, 5), (jobA.GetProperty("created").GetInt32(), jobB.GetProperty("created").GetInt32()));
        Assert.True(jobB.GetProperty("startedAt").GetDateTime() >= jobA.GetProperty("finishedAt").GetDateTime());
    }

    [Fact]
    public async Task TheRowsWithErrorsComeBackAsTheUsersOwnSpreadsheetWithAFirstColumnOfErrorsInChinese()
    {
        var compound = ImportTests.NewCompound();
        var rows = Rows(compound, 300).ToList();
        rows[10][7] = "110105194912310021";
        rows[20][4] = "";
        rows[20][14] = "=HYPERLINK(\"http://evil.example\")";
        rows[30][9] = "中";
        var client = await app.ApiAsync("commander");
        var job = await DoneAsync(client, await PostAsync(client, Csv(rows), "错误.csv", dryRun: true, mode: "all"));
        Assert.Equal(3, job.GetProperty("rowsWithErrors").GetInt32());

        var book = ReadXlsx(await client.GetByteArrayAsync(job.GetProperty("errorRowsUrl").GetString()));
        Assert.Equal(["错误", .. Sheets.Header], book[0].Take(16));
        Assert.Equal(4, book.Count);
        Assert.StartsWith("第 12 行：", book[1][0], StringComparison.Ordinal);
        Assert.Contains("校验", book[1][0], StringComparison.Ordinal);
        Assert.Equal(rows[10][5], book[1][6]);
        Assert.Equal(rows[10][7], book[1][8]);
        Assert.StartsWith("第 22 行：", book[2][0], StringComparison.Ordinal);
        Assert.Contains("室号", book[2][0], StringComparison.Ordinal);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\")", book[2][15]);
        Assert.StartsWith("第 32 行：", book[3][0], StringComparison.Ordinal);

        // Someone else's job, and its file of errors, do not exist for another user.
        var other = await app.ApiAsync("staff");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(job.GetProperty("errorRowsUrl").GetString())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/ledger/imports/{job.GetProperty("id").GetGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/ledger/imports/{job.GetProperty("id").GetGuid()}")).StatusCode);
    }

    [Fact]
    public async Task AJobRunsWithTheJurisdictionOfTheUserWhoStartedIt()
    {
        var compound = ImportTests.NewCompound();
        var rows = Rows(compound, 200, neighborhood: "国权东路居民区").ToList();
        var client = await app.ApiAsync("staff");
        var job = await DoneAsync(client, await PostAsync(client, Csv(rows), "outside.csv", dryRun: false, mode: "valid"));
        Assert.Equal(("done", 0, 200), (job.GetProperty("state").GetString(), job.GetProperty("created").GetInt32(), job.GetProperty("rowsWithErrors").GetInt32()));
        Assert.Equal("outside_jurisdiction", job.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(0, await CountAsync(compound));
    }

    [Fact]
    public async Task TheTemplatesExampleRowInALargeFileIsSkippedWithANotice()
    {
        var compound = ImportTests.NewCompound();
        var rows = Rows(compound, 300).ToList();
        rows.Insert(0, ["政立路居民区", "政立路580弄", "12号", "3", "502", "张三", "居民身份证", "11010519491231002X", "13812345678", "", "", "户主", "常住", "独居", "示例行，导入前请删除"]);
        var client = await app.ApiAsync("commander");
        var job = await DoneAsync(client, await PostAsync(client, Csv(rows), "模板.csv", dryRun: false, mode: "all"));
        Assert.Equal((301, 300, 300), (job.GetProperty("rowsRead").GetInt32(), job.GetProperty("rowsChecked").GetInt32(), job.GetProperty("created").GetInt32()));
        Assert.Equal("example_row_skipped", job.GetProperty("notices")[0].GetProperty("code").GetString());
        Assert.False(await app.DbAsync(db => db.Residents.AnyAsync(r => r.DocumentNumber == "11010519491231002X")));
    }

    [Fact]
    public async Task ThePreviewOfALargeFileIsAJobAndItsChoiceImportsWithoutUploadingAgainAndSaysWhatWasImported()
    {
        var compound = ImportTests.NewCompound();
        var rows = Rows(compound, 400).ToList();
        rows[5][7] = "110105194912310021";
        var pages = await app.PagesAsync("commander");
        var answer = await UploadAsync(pages, Csv(rows), "预览.csv");
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var jobPage = answer.Headers.Location!.ToString();
        Assert.Matches("^/Ledger/Import/[0-9a-f-]{36}$", jobPage);

        var preview = await PageWhenAsync(pages, jobPage, d => d.QuerySelector("form.choice") is not null);
        Assert.Contains("尚未写入", preview.QuerySelector("#job h2")!.TextContent, StringComparison.Ordinal);
        var valid = preview.QuerySelector("input[name=Mode][value=valid]")!;
        Assert.True(valid.HasAttribute("checked"));
        Assert.Contains("新增 399 人", valid.ParentElement!.TextContent, StringComparison.Ordinal);
        Assert.Contains("将写入：0 人", preview.QuerySelector("input[name=Mode][value=all]")!.ParentElement!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(preview.QuerySelector($"a[href$='/errors.xlsx']"));
        Assert.Equal(0, await CountAsync(compound));

        var confirm = await pages.SubmitAsync(jobPage, new() { ["Mode"] = "valid" }, "form.choice");
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        var result = await PageWhenAsync(pages, confirm.Headers.Location!.ToString(), d => d.QuerySelector("#job[hx-trigger]") is null);
        Assert.Equal("已导入 399 人", result.QuerySelector("#job h2")!.TextContent.Trim());
        var link = result.QuerySelector("ul.links a")!;
        Assert.Equal(compound, link.TextContent);
        var compoundId = await app.DbAsync(db => db.Compounds.Where(c => c.Name == compound).Select(c => c.Id).SingleAsync());
        Assert.Equal($"/Ledger/Compounds/{compoundId}", link.GetAttribute("href"));
        Assert.Equal(399, await CountAsync(compound));

        // Closed and opened again: the import page lists it.
        var index = await pages.PageAsync("/Ledger/Import");
        Assert.NotNull(index.QuerySelector($"a[href='{confirm.Headers.Location}']"));
    }

    [Fact]
    public async Task ASmallPreviewWithErrorsPreselectsTheValidRowsAndSaysInThePastTenseWhatItImported()
    {
        var compound = ImportTests.NewCompound();
        var rows = Rows(compound, 20).ToList();
        rows[3][7] = "110105194912310021";
        var pages = await app.PagesAsync("commander");
        var answer = await UploadAsync(pages, Csv(rows), "small.csv");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var preview = await PageClient.ParseAsync(await answer.Content.ReadAsStringAsync());
        Assert.True(preview.QuerySelector("input[name=Mode][value=valid]")!.HasAttribute("checked"));
        Assert.False(preview.QuerySelector("input[name=Mode][value=all]")!.HasAttribute("checked"));
        var token = preview.QuerySelector("form.choice input[name=Token]")!.GetAttribute("value")!;

        var form = preview.QuerySelector("form.choice input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var done = await pages.Http.PostAsync("/Ledger/Import?handler=Commit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Token"] = token,
            ["Mode"] = "valid",
            ["__RequestVerificationToken"] = form,
        }));
        var result = await PageClient.ParseAsync(await done.Content.ReadAsStringAsync());
        Assert.Equal("已导入 19 人", result.QuerySelector("section.outcome h2")!.TextContent.Trim());
        Assert.Equal(compound, result.QuerySelector("ul.links a")!.TextContent);
        Assert.Equal(19, await CountAsync(compound));
    }

    [Fact]
    public async Task AHeldUploadIsKeptWhileItsJobRunsAndGoneWhenItEnds()
    {
        var compound = ImportTests.NewCompound();
        var client = await app.ApiAsync("commander");
        var location = await PostAsync(client, Csv(compound, 40_000), "held.csv", dryRun: false, mode: "valid");
        var held = Path.Combine(app.Database.DataDirectory, "imports", "held", location[^36..].Replace("-", "", StringComparison.Ordinal) + ".upload");
        await WaitAsync(client, location, j => j.GetProperty("state").GetString() == "running");
        File.SetLastWriteTimeUtc(held, DateTime.UtcNow.AddHours(-2));
        var sweeper = app.Services.GetServices<IHostedService>().OfType<UploadSweeper>().Single();
        sweeper.Sweep();
        await sweeper.SweepHeldAsync(CancellationToken.None);
        var state = (await client.GetFromJsonAsync<JsonElement>(location)).GetProperty("state").GetString();
        Assert.True(state != "running" || File.Exists(held), "a running job's upload was swept");

        await DoneAsync(client, location);
        Assert.False(File.Exists(held));
    }

    [Fact]
    public async Task AfterAJobThatWroteRowsOnPostgresThePlannerStatisticsAreRefreshed()
    {
        Assert.SkipUnless(app.Database.Provider == "Postgres", "ANALYZE is PostgreSQL's; SQLite keeps its own plans.");
        var before = await LastAnalyzeAsync();
        var client = await app.ApiAsync("commander");
        await DoneAsync(client, await PostAsync(client, Csv(ImportTests.NewCompound(), 500), "analyze.csv", dryRun: false, mode: "valid"));
        var after = await LastAnalyzeAsync();
        Assert.NotNull(after);
        Assert.True(before is null || after > before);

        Task<DateTime?> LastAnalyzeAsync() => app.DbAsync(db => db.Database
            .SqlQueryRaw<DateTime?>("SELECT last_analyze AS \"Value\" FROM pg_stat_user_tables WHERE relname = 'Residents'").SingleAsync());
    }

    internal static List<string[]> ReadXlsx(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return [.. stream.Query(useHeaderRow: false).Select(r => ((IDictionary<string, object?>)r).Values.Select(v => v?.ToString() ?? "").ToArray())];
    }

    private static IEnumerable<string[]> Rows(string compound, int count, string neighborhood = "政立路居民区")
    {
        for (var i = 0; i < count; i++)
        {
            yield return ImportTests.Row(compound, $"{(i / 240) + 1}号", $"{(i % 240 / 80) + 1}", $"{(i % 80 / 4) + 1}{(i % 4) + 1:00}", Name(i), neighborhood: neighborhood);
        }
    }

    private static string Name(int i)
    {
        const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹";
        const string Given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华";
        return $"{Surnames[i % Surnames.Length]}{Given[i / Surnames.Length % Given.Length]}{Given[i / (Surnames.Length * Given.Length) % Given.Length]}";
    }

    private static byte[] Csv(string compound, int count) => Csv(Rows(compound, count));

    /// <summary>Written row by row into one buffer, as a committee's export would be.</summary>
    private static byte[] Csv(IEnumerable<string[]> rows)
    {
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(true), 64 * 1024, leaveOpen: true))
        {
            writer.Write(string.Join(",", Sheets.Header) + "\r\n");
            foreach (var row in rows)
            {
                writer.Write(string.Join(",", row.Select(c => c.Contains(',') || c.Contains('"') ? "\"" + c.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : c)) + "\r\n");
            }
        }

        return buffer.ToArray();
    }

    private static async Task<string> PostAsync(HttpClient client, byte[] file, string name, bool dryRun, string mode)
    {
        var response = await client.PostAsync($"/api/v1/ledger/import?dryRun={dryRun.ToString().ToLowerInvariant()}&mode={mode}", ImportTests.File(file, name));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!.ToString();
    }

    private static Task<JsonElement> DoneAsync(HttpClient client, string location) =>
        WaitAsync(client, location, j => j.GetProperty("state").GetString() is "done" or "failed" or "cancelled");

    private static async Task<JsonElement> WaitAsync(HttpClient client, string location, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>(location);
            if (until(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the job did not get there in time: {job}");
            Assert.NotEqual("failed", job.GetProperty("state").GetString());
            await Task.Delay(50);
        }
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> PageWhenAsync(PageClient pages, string url, Func<AngleSharp.Html.Dom.IHtmlDocument, bool> until)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var page = await pages.PageAsync(url);
            if (until(page))
            {
                return page;
            }

            Assert.True(DateTime.UtcNow < deadline, "the job page did not get there in time");
            await Task.Delay(100);
        }
    }

    /// <summary>The page's own upload form, as a browser sends it: the antiforgery token first, then the file.</summary>
    private static async Task<HttpResponseMessage> UploadAsync(PageClient pages, byte[] file, string name)
    {
        var form = await pages.PageAsync("/Ledger/Import");
        var token = form.QuerySelector("form[enctype] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var content = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new ByteArrayContent(file), "Upload", name } };
        return await pages.Http.PostAsync("/Ledger/Import?handler=Preview", content);
    }

    private Task<int> CountAsync(string compound) =>
        app.DbAsync(db => db.Residents.CountAsync(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound)));
}
