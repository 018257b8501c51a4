using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Cordon.Features.Ledger;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cordon.Bench;

/// <summary>
/// Ledger import through the API's own code path (multipart upload to /api/v1/ledger/import), against a
/// raw bulk insert of the same rows into the same database, in the same run. A file over 5 MB or 20,000 rows is
/// answered 202 and imported by the background job; the bench then polls the job's Location until it is done, so
/// the figures include the job (its check pass, its chunk commits, ANALYZE on PostgreSQL) and the app's memory
/// while it runs: the job runs in this process.
/// </summary>
public static class ImportBench
{
    public static async Task RunAsync(string provider, string? postgresAdmin, int rows)
    {
        Console.WriteLine($"== ledger import · {provider} · {rows:N0} rows · {Environment.ProcessorCount} cores");
        var folder = Path.Combine(Path.GetTempPath(), "cordon-bench-files");
        Directory.CreateDirectory(folder);
        foreach (var format in new[] { "csv", "xlsx" })
        {
            var small = Math.Max(1000, rows / 10);
            var smallFile = Path.Combine(folder, $"ledger-{small}.{format}");
            var bigFile = Path.Combine(folder, $"ledger-{rows}.{format}");
            var sw = Stopwatch.StartNew();
            Write(smallFile, small, format);
            Write(bigFile, rows, format);
            Console.WriteLine($"   generated {format} files in {sw.Elapsed.TotalSeconds:F1} s ({new FileInfo(bigFile).Length / 1024.0 / 1024:F1} MB for {rows:N0} rows)");

            var smallRun = await ImportOnceAsync(provider, postgresAdmin, smallFile, small, raw: false);
            var bigRun = await ImportOnceAsync(provider, postgresAdmin, bigFile, rows, raw: true);
            Console.WriteLine($"   {format}: {small,7:N0} rows  {smallRun.RowsPerSecond,8:N0} rows/s  peak managed +{smallRun.PeakManagedMb,6:F1} MB  (upload to done{(small > 20_000 || new FileInfo(smallFile).Length > 5 * 1024 * 1024 ? ", background job" : ", in the request")})");
            Console.WriteLine($"   {format}: {rows,7:N0} rows  {bigRun.RowsPerSecond,8:N0} rows/s  peak managed +{bigRun.PeakManagedMb,6:F1} MB  (file ×{rows / (double)small:F0}, memory ×{bigRun.PeakManagedMb / Math.Max(0.1, smallRun.PeakManagedMb):F1}{(rows > 20_000 ? ", background job" : "")})");
            Console.WriteLine($"   {format}: raw bulk insert of the same {rows:N0} residents: {bigRun.RawRowsPerSecond:N0} rows/s → import is {bigRun.RowsPerSecond / bigRun.RawRowsPerSecond:P0} of raw ({bigRun.RawRowsPerSecond / bigRun.RowsPerSecond:F1}× slower; it validates, upserts, creates places and audits every row)");
            Console.WriteLine($"   {format}: re-import of the same file: {bigRun.ReimportRowsPerSecond:N0} rows/s, {bigRun.ReimportUnchanged:N0} unchanged");
        }
    }

    private static void Write(string path, int rows, string format)
    {
        if (!File.Exists(path))
        {
            _ = format == "csv" ? LedgerFile.WriteCsv(path, rows) : LedgerFile.WriteXlsx(path, rows);
        }
    }

    private sealed record Run(double RowsPerSecond, double PeakManagedMb, double RawRowsPerSecond, double ReimportRowsPerSecond, int ReimportUnchanged);

    private static async Task<Run> ImportOnceAsync(string provider, string? postgresAdmin, string file, int rows, bool raw)
    {
        await using var app = await BenchApp.StartAsync(provider, postgresAdmin);
        try
        {
            var client = await app.ClientAsync();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var baseline = GC.GetTotalMemory(true);
            long peak = baseline;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(false));
                    await Task.Delay(20);
                }
            });

            var sw = Stopwatch.StartNew();
            var report = await PostAsync(client, file);
            sw.Stop();
            await sampling.CancelAsync();
            await sampler;
            if (report.GetProperty("created").GetInt32() != rows)
            {
                throw new InvalidOperationException($"import did not store every row: {report}");
            }

            double rawRate = 0, reimportRate = 0;
            var unchanged = 0;
            if (raw)
            {
                var again = Stopwatch.StartNew();
                var second = await PostAsync(client, file, dryRun: false);
                again.Stop();
                unchanged = second.GetProperty("unchanged").GetInt32();
                reimportRate = rows / again.Elapsed.TotalSeconds;
                rawRate = await RawInsertAsync(app);
            }

            return new Run(rows / sw.Elapsed.TotalSeconds, (peak - baseline) / 1024.0 / 1024, rawRate, reimportRate, unchanged);
        }
        finally
        {
            if (postgresAdmin is not null)
            {
                await app.DropAsync(postgresAdmin);
            }
        }
    }

    /// <summary>Posts a ledger file as a machine client does; a large one is a background job, polled until done.</summary>
    internal static async Task<JsonElement> PostAsync(HttpClient client, string file, bool dryRun = false)
    {
        await using var stream = File.OpenRead(file);
        var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent { { content, "file", Path.GetFileName(file) } };
        var response = await client.PostAsync($"/api/v1/ledger/import?dryRun={dryRun.ToString().ToLowerInvariant()}&mode=all", form);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(body);
        }

        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            return JsonDocument.Parse(body).RootElement;
        }

        // A background job: poll its Location, as a machine client would.
        var location = response.Headers.Location!;
        while (true)
        {
            await Task.Delay(250);
            var job = JsonDocument.Parse(await client.GetStringAsync(location)).RootElement;
            switch (job.GetProperty("state").GetString())
            {
                case "done":
                    return job;
                case "failed" or "cancelled":
                    throw new InvalidOperationException(job.ToString());
            }
        }
    }

    /// <summary>
    /// The ceiling: the same residents written straight into the Residents table of a second tenant in
    /// one transaction, by the fastest path the provider has (SQLite: one native prepared statement;
    /// PostgreSQL: binary COPY), with no validation, no lookups, no places and no audit.
    /// </summary>
    private static async Task<double> RawInsertAsync(BenchApp app)
    {
        var residents = await app.DbAsync(db => db.Residents.AsNoTracking().IgnoreQueryFilters().ToListAsync());
        var tenant = Guid.CreateVersion7();
        foreach (var r in residents)
        {
            r.Id = Guid.CreateVersion7();
            r.SubdistrictId = tenant;
            r.SamplingCode = SamplingCodes.New();
        }

        return await app.DbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            var sw = Stopwatch.StartNew();
            if (connection is NpgsqlConnection npgsql)
            {
                await using var copy = await npgsql.BeginBinaryImportAsync(
                    "COPY \"Residents\" (\"Id\", \"SubdistrictId\", \"NeighborhoodId\", \"CompoundId\", \"BuildingId\", \"FlatId\", \"HouseholdId\", \"Name\", \"DocumentType\", \"DocumentNumber\", \"Phone\", \"Sex\", \"BirthDate\", \"Relation\", \"Status\", \"StatusSince\", \"Tags\", \"Notes\", \"SamplingCode\", \"CreatedAt\", \"UpdatedAt\", \"Version\") FROM STDIN (FORMAT BINARY)");
                foreach (var r in residents)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(r.Id);
                    await copy.WriteAsync(r.SubdistrictId);
                    await copy.WriteAsync(r.NeighborhoodId);
                    await copy.WriteAsync(r.CompoundId);
                    await copy.WriteAsync(r.BuildingId);
                    await copy.WriteAsync(r.FlatId);
                    await copy.WriteAsync(r.HouseholdId);
                    await copy.WriteAsync(r.Name);
                    await copy.WriteAsync(r.DocumentType.ToString());
                    await copy.WriteAsync(r.DocumentNumber);
                    await copy.WriteAsync(r.Phone);
                    await copy.WriteAsync(r.Sex.ToString());
                    await copy.WriteAsync(r.BirthDate);
                    await copy.WriteAsync(r.Relation);
                    await copy.WriteAsync(r.Status.ToString());
                    await copy.WriteNullAsync();
                    await copy.WriteAsync((int)r.Tags);
                    await copy.WriteAsync(r.Notes);
                    await copy.WriteAsync(r.SamplingCode);
                    await copy.WriteAsync(r.CreatedAt, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(r.UpdatedAt, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(0);
                }

                await copy.CompleteAsync();
            }
            else
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                await db.BulkInsertAsync(residents);
                await transaction.CommitAsync();
            }

            sw.Stop();
            return residents.Count / sw.Elapsed.TotalSeconds;
        });
    }
}
