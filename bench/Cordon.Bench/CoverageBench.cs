using System.Data.Common;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Ledger;
using Cordon.Features.Testing;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Bench;

/// <summary>
/// "Not one missing" at scale: the coverage of one compound of about 3,000 residents and of a whole
/// 100,000-resident sub-district (counts and the list of who is missing), against the same answer
/// from hand-written SQL anti-joins on the same data. Then lab results for 100,000 tubes.
/// </summary>
public static class CoverageBench
{
    public static async Task RunAsync(string provider, string? postgresAdmin, int residents, int iterations)
    {
        Console.WriteLine($"== coverage and lab results · {provider} · {residents:N0} residents, half sampled · p50/p95 of {iterations} interleaved runs ({Math.Max(5, iterations / 4)} for the whole sub-district)");
        var prepared = await RegistrationBench.PrepareAsync(provider, postgresAdmin, residents, 1);
        try
        {
            await using var app = await RegistrationBench.OpenAsync(prepared);
            var round = prepared.Rounds[0];
            var (compound, compoundSize) = await SampleHalfAsync(app, prepared, round);

            foreach (var (label, compoundId) in new[] { ($"one compound ({compoundSize:N0} residents)", (Guid?)compound), ($"whole sub-district ({residents:N0})", null) })
            {
                // Interleaved, so both see the same noise from the machine.
                var (ours, hand) = await TimePairAsync(
                    compoundId is null ? Math.Max(5, iterations / 4) : iterations,
                    () => OursAsync(app, prepared, round, compoundId),
                    () => HandAsync(app, prepared, round, compoundId));
                Console.WriteLine($"   {label}: Cordon p50 {ours.P50:F1} ms, p95 {ours.P95:F1} ms (missing {ours.Missing:N0}) · hand-written SQL p50 {hand.P50:F1} ms, p95 {hand.P95:F1} ms (missing {hand.Missing:N0}) · ratio p95 {ours.P95 / hand.P95:F2}×, p50 {ours.P50 / hand.P50:F2}×");
            }

            await LabAsync(app, prepared, round);
        }
        finally
        {
            await prepared.DisposeAsync();
        }
    }

    private sealed record Timing(double P50, double P95, int Missing);

    private static async Task<(Timing A, Timing B)> TimePairAsync(int iterations, Func<Task<int>> a, Func<Task<int>> b)
    {
        var (missingA, missingB) = (await a(), await b());
        var (timesA, timesB) = (new List<double>(), new List<double>());
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            missingA = await a();
            timesA.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            missingB = await b();
            timesB.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return (Summary(timesA, missingA), Summary(timesB, missingB));

        static Timing Summary(List<double> times, int missing)
        {
            times.Sort();
            return new Timing(times[times.Count / 2], times[(int)Math.Ceiling(0.95 * times.Count) - 1], missing);
        }
    }

    /// <summary>What the coverage API does: counts, then the missing list with addresses, as a commander.</summary>
    private static async Task<int> OursAsync(BenchApp app, RegistrationBench.Prepared prepared, Guid roundId, Guid? compound)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActForSubdistrict(prepared.SubdistrictId, "bench");
        var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
        var round = await db.TestingRounds.AsNoTracking().SingleAsync(r => r.Id == roundId);
        var set = await Roster.ScopeAsync(db, round, CancellationToken.None);

        var (counts, missing) = await Coverage.ReportAsync(db, set, compound);
        return counts.Missing == missing.Count ? missing.Count : throw new InvalidOperationException("counts and list disagree");
    }

    /// <summary>The same answer from SQL written by hand: two NOT EXISTS anti-joins on the indexed columns.</summary>
    private static async Task<int> HandAsync(BenchApp app, RegistrationBench.Prepared prepared, Guid round, Guid? compound)
    {
        return await app.DbAsync(async db =>
        {
            var sqlite = db.Database.IsSqlite();
            string Id(Guid id) => sqlite ? id.ToString().ToUpperInvariant() : id.ToString();
            // The best plain SQL for the question: the compound (or the scope's compounds) as an equality
            // the (SubdistrictId, CompoundId, BuildingId) index answers.
            var where = compound is null
                ? """
                  r."SubdistrictId" = @sd AND r."Status" IN ('Resident', 'Tenant')
                  AND r."CompoundId" IN (SELECT "CompoundId" FROM "RoundScopes" WHERE "RoundId" = @round)
                  """
                : """
                  r."SubdistrictId" = @sd AND r."CompoundId" = @compound AND r."Status" IN ('Resident', 'Tenant')
                  """;
            var notSampled = """NOT EXISTS (SELECT 1 FROM "SampleRecords" s WHERE s."RoundId" = @round AND s."ResidentId" = r."Id")""";
            var notExempt = """NOT EXISTS (SELECT 1 FROM "Exemptions" e WHERE e."RoundId" = @round AND e."ResidentId" = r."Id")""";
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            try
            {
                await using var counts = connection.CreateCommand();
                counts.CommandText = $"""
                    SELECT COUNT(*), SUM(CASE WHEN {notSampled} THEN 0 ELSE 1 END) FROM "Residents" r WHERE {where}
                    """;
                Parameters(counts);
                await using (var reader = await counts.ExecuteReaderAsync())
                {
                    await reader.ReadAsync();
                }

                await using var list = connection.CreateCommand();
                list.CommandText = $"""
                    SELECT r."Id", r."Name", c."Name", b."Number", f."Entrance", f."Room", b."Entrances", r."Tags", r."Phone"
                    FROM "Residents" r
                    JOIN "Flats" f ON f."Id" = r."FlatId" JOIN "Buildings" b ON b."Id" = r."BuildingId" JOIN "Compounds" c ON c."Id" = r."CompoundId"
                    WHERE {where} AND {notSampled} AND {notExempt}
                    ORDER BY c."Name", b."SortKey", b."Number", f."Entrance", f."Floor", f."Room", r."Name"
                    """;
                Parameters(list);
                var missing = 0;
                await using (var reader = await list.ExecuteReaderAsync())
                {
                    // Every column is read: the answer needs them all (name, address parts, tags, phone).
                    var values = new object[reader.FieldCount];
                    while (await reader.ReadAsync())
                    {
                        reader.GetValues(values);
                        missing++;
                    }
                }

                return missing;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            void Parameters(DbCommand command)
            {
                Add(command, "@sd", Id(prepared.SubdistrictId));
                Add(command, "@round", Id(round));
                if (compound is { } c)
                {
                    Add(command, "@compound", Id(c));
                }
            }

            void Add(DbCommand command, string name, object value)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value is string text && !sqlite ? Guid.Parse(text) : value;
                command.Parameters.Add(parameter);
            }
        });
    }

    /// <summary>Every other resident sampled (bulk, not timed), ten to a tube. Returns the largest compound.</summary>
    private static async Task<(Guid Compound, int Size)> SampleHalfAsync(BenchApp app, RegistrationBench.Prepared prepared, Guid round)
    {
        return await app.DbAsync(async db =>
        {
            var residents = await db.Residents.IgnoreQueryFilters().OrderBy(r => r.Id).Select(r => new { r.Id, r.CompoundId, r.BuildingId }).ToListAsync();
            var half = residents.Where((_, i) => i % 2 == 0).ToList();
            var now = DateTime.UtcNow;
            var tubes = Enumerable.Range(0, (half.Count + 9) / 10).Select(i => new Tube
            {
                SubdistrictId = prepared.SubdistrictId,
                RoundId = round,
                Code = $"H{i:D7}",
                Capacity = 10,
                Count = 10,
                OpenedAt = now,
                SealedAt = now,
            }).ToList();
            var records = half.Select((r, i) => new SampleRecord
            {
                Id = Guid.CreateVersion7(),
                SubdistrictId = prepared.SubdistrictId,
                RoundId = round,
                TubeId = tubes[i / 10].Id,
                TubeCode = tubes[i / 10].Code,
                Position = (i % 10) + 1,
                ResidentId = r.Id,
                CompoundId = r.CompoundId,
                BuildingId = r.BuildingId,
                TakenAt = now,
                RecordedAt = now,
                SamplerId = "bench",
                SamplerName = "bench",
                ContentHash = "bench",
            }).ToList();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.BulkInsertAsync(tubes);
            await db.BulkInsertAsync(records);
            await transaction.CommitAsync();
            if (!db.Database.IsSqlite())
            {
                // What autovacuum does within a minute on a live server; without it the first plans see empty tables.
                await db.Database.ExecuteSqlRawAsync("ANALYZE");
            }

            var largest = residents.GroupBy(r => r.CompoundId).OrderByDescending(g => g.Count()).First();
            return (largest.Key, largest.Count());
        });
    }

    /// <summary>100,000 tube results through the lab API, 1 % positive pools, then the recall lists.</summary>
    private static async Task LabAsync(BenchApp app, RegistrationBench.Prepared prepared, Guid round)
    {
        var codes = await app.DbAsync(db => db.Tubes.IgnoreQueryFilters().Where(t => t.RoundId == round).Select(t => t.Code).ToListAsync());
        var extra = 100_000 - codes.Count;
        if (extra > 0)
        {
            await app.DbAsync(async db =>
            {
                var now = DateTime.UtcNow;
                var tubes = Enumerable.Range(0, extra).Select(i => new Tube
                {
                    SubdistrictId = prepared.SubdistrictId,
                    RoundId = round,
                    Code = $"L{i:D7}",
                    Capacity = 10,
                    Count = 0,
                    OpenedAt = now,
                    SealedAt = now,
                }).ToList();
                await using var transaction = await db.Database.BeginTransactionAsync();
                await db.BulkInsertAsync(tubes);
                await transaction.CommitAsync();
                codes.AddRange(tubes.Select(t => t.Code));
                return true;
            });
        }

        var results = codes.Select((code, i) => new { tubeCode = code, result = i % 100 == 7 ? "阳性" : "阴性", reportedAt = DateTime.UtcNow }).ToList();
        var client = await app.ClientAsync();
        var sw = Stopwatch.StartNew();
        var response = await client.PostAsJsonAsync("/api/v1/lab/results", results);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        sw.Stop();
        var recallSw = Stopwatch.StartNew();
        var recall = await client.GetFromJsonAsync<List<JsonElement>>($"/api/v1/testing/rounds/{round}/recall");
        recallSw.Stop();
        Console.WriteLine($"   lab results: {results.Count:N0} in {sw.Elapsed.TotalSeconds:F1} s = {results.Count / sw.Elapsed.TotalSeconds:N0} rows/s " +
            $"(applied {report.GetProperty("applied").GetInt32():N0}, positive pools {report.GetProperty("positivePools").GetInt32():N0}); " +
            $"recall list of {recall!.Count:N0} people in {recallSw.Elapsed.TotalMilliseconds:F0} ms; sending the same results again: {await AgainAsync(client, results):N0} rows/s");
    }

    private static async Task<double> AgainAsync(HttpClient client, object results)
    {
        var sw = Stopwatch.StartNew();
        (await client.PostAsJsonAsync("/api/v1/lab/results", results)).EnsureSuccessStatusCode();
        return 100_000 / sw.Elapsed.TotalSeconds;
    }
}
