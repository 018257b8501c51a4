using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Testing;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cordon.Bench;

/// <summary>
/// Sample registration at city scale. The app runs as its own process (as in production); this
/// process is the load generator: N samplers posting unique records over HTTP against a round of
/// 100,000 residents. Beside it, in the same run: C1 the same request to an endpoint that touches no
/// database, C2 one durable commit per row written straight to the database, C3 a bulk insert.
/// </summary>
public static class RegistrationBench
{
    private sealed record Stats(int Ok, int Busy, int Errors, double Seconds, double[] Latencies)
    {
        public double Rate => Ok / Seconds;

        public double P(double q)
        {
            if (Latencies.Length == 0)
            {
                return double.NaN;
            }

            var sorted = Latencies.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        }
    }

    public static async Task RunAsync(string provider, string? postgresAdmin, int residents, int[] levels, int seconds)
    {
        Console.WriteLine($"== registration · {provider} · {residents:N0} residents · {seconds} s per level · {Environment.ProcessorCount} cores (server and load generator share them)");
        var prepared = await PrepareAsync(provider, postgresAdmin, residents, levels.Length + 1);
        using var server = ServerProcess.Start(prepared, echo: true);
        try
        {
            await server.WaitReadyAsync();
            var token = await TokenAsync(server.Url);

            // Steady state, as on a mass-testing morning when the node has been up for hours: the first
            // seconds of a fresh process spend much of the CPU re-compiling hot code (tiered JIT), so a
            // warm-up round of its own takes load, unmeasured, before the first level.
            var warmUp = prepared.Rounds[levels.Length];
            await LoadAsync(server.Url, token, "/api/v1/sampling/records:echo", warmUp, prepared.Codes, 50, 3);
            var warm = await LoadAsync(server.Url, token, "/api/v1/sampling/records", warmUp, prepared.Codes, 50, 12);
            Console.WriteLine($"   warm-up (not counted): 12 s at 50 samplers, {warm.Ok:N0} records on a round of its own");
            Console.WriteLine($"   {"samplers",8} {"ours/s",9} {"p50 ms",8} {"p99 ms",8} {"503",6} {"errors",7} | {"C1 echo/s",10} {"p99 ms",8} | ours/C1");
            var results = new List<(int N, Stats Ours, Stats Echo)>();
            for (var level = 0; level < levels.Length; level++)
            {
                var n = levels[level];
                var echo = await LoadAsync(server.Url, token, "/api/v1/sampling/records:echo", prepared.Rounds[level], prepared.Codes, n, Math.Max(3, seconds / 2));
                var ours = await LoadAsync(server.Url, token, "/api/v1/sampling/records", prepared.Rounds[level], prepared.Codes, n, seconds);
                results.Add((n, ours, echo));
                Console.WriteLine($"   {n,8} {ours.Rate,9:N0} {ours.P(0.5),8:F1} {ours.P(0.99),8:F1} {ours.Busy,6} {ours.Errors,7} | {echo.Rate,10:N0} {echo.P(0.99),8:F1} | {ours.Rate / echo.Rate,6:P0}");
            }

            var stored = await CountAsync(prepared);
            var sent = results.Sum(r => r.Ours.Ok) + warm.Ok;
            Console.WriteLine($"   acknowledged {sent:N0}, stored {stored:N0} ({(sent == stored ? "every acknowledged record present once" : "MISMATCH")})");
            server.Stop();

            var c2 = await DurableRowsAsync(prepared, seconds: 5);
            var c3 = await BulkAsync(prepared, 100_000);
            var best = results.Max(r => r.Ours.Rate);
            Console.WriteLine($"   C2 one durable commit per row: {c2:N0} rows/s · C3 bulk insert: {c3:N0} rows/s");
            Console.WriteLine($"   best sustained rate {best:N0}/s = {best / results.Max(r => r.Echo.Rate):P0} of C1, {best / c3:P1} of C3, {best / c2:F1}× C2 (Shanghai's April-2022 average ≈ 600/s)");
        }
        finally
        {
            server.Stop();
            await prepared.DisposeAsync();
        }
    }

    internal sealed class Prepared : IAsyncDisposable
    {
        public required string Provider { get; init; }

        public required string Directory { get; init; }

        public string? ConnectionString { get; init; }

        public string? PostgresAdmin { get; init; }

        public string? DatabaseName { get; init; }

        public required List<Guid> Rounds { get; init; }

        public required List<string> Codes { get; init; }

        /// <summary>Every neighborhood of the sub-district (a round over them covers everyone).</summary>
        public List<Guid> Neighborhoods { get; init; } = [];

        public required Guid SubdistrictId { get; init; }

        public async ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            if (DatabaseName is not null && PostgresAdmin is not null && Environment.GetEnvironmentVariable("CORDON_BENCH_KEEP") is null)
            {
                NpgsqlConnection.ClearAllPools();
                await using var admin = new NpgsqlConnection(PostgresAdmin);
                await admin.OpenAsync();
                await new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", admin).ExecuteNonQueryAsync();
            }

            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A sub-district of N residents (through the ledger import), one open round per load level.</summary>
    internal static async Task<Prepared> PrepareAsync(string provider, string? postgresAdmin, int residents, int rounds)
    {
        var sw = Stopwatch.StartNew();
        await using var app = await BenchApp.StartAsync(provider, postgresAdmin);
        app.KeepData = true;
        var client = await app.ClientAsync();
        var file = Path.Combine(Path.GetTempPath(), "cordon-bench-files", $"ledger-{residents}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        if (!File.Exists(file))
        {
            LedgerFile.WriteCsv(file, residents);
        }

        await ImportBench.PostAsync(client, file);

        var compounds = await app.DbAsync(db => db.Compounds.Select(c => c.Id).ToListAsync());
        var neighborhoods = await app.DbAsync(db => db.Neighborhoods.Select(n => n.Id).ToListAsync());
        var ids = new List<Guid>();
        for (var i = 0; i < rounds; i++)
        {
            var created = await client.PostAsJsonAsync("/api/v1/testing/rounds", new { name = $"基准轮次 {i + 1}", compoundIds = compounds, poolSize = 10 });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            (await client.PostAsync($"/api/v1/testing/rounds/{id}/open", null)).EnsureSuccessStatusCode();
            ids.Add(id);
        }

        var codes = await app.DbAsync(db => db.Residents.IgnoreQueryFilters().OrderBy(r => r.Id).Select(r => r.SamplingCode).ToListAsync());
        Console.WriteLine($"   prepared {codes.Count:N0} residents{(rounds > 0 ? $" and {rounds} open rounds" : "")} in {sw.Elapsed.TotalSeconds:F0} s");
        return new Prepared
        {
            Provider = app.Provider,
            Directory = app.Directory,
            ConnectionString = app.ConnectionString,
            DatabaseName = app.DatabaseName,
            PostgresAdmin = postgresAdmin,
            Rounds = ids,
            Codes = codes,
            Neighborhoods = neighborhoods,
            SubdistrictId = app.SubdistrictId,
        };
    }

    private static async Task<string> TokenAsync(string url)
    {
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "sampler", password = BenchApp.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>N samplers, each filling its own tubes ten at a time, for a fixed time; every record unique.</summary>
    private static async Task<Stats> LoadAsync(string url, string token, string path, Guid round, List<string> codes, int samplers, int seconds)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = samplers, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var next = -1;
        int ok = 0, busy = 0, errors = 0;
        var latencies = new List<double>[samplers];
        var stop = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(seconds);
        var batchTag = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var tasks = Enumerable.Range(0, samplers).Select(async sampler =>
        {
            latencies[sampler] = [];
            var taken = 0;
            while (stop.Elapsed < duration)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= codes.Count)
                {
                    return;
                }

                var body = new SampleCommand(Guid.CreateVersion7(), round, codes[index], null, $"{batchTag}{sampler:X4}T{taken / 10:X5}", DateTime.UtcNow);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.PostAsJsonAsync(path, body);
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref ok);
                        latencies[sampler].Add(elapsed);
                        taken++;
                    }
                    else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        Interlocked.Increment(ref busy);
                        await Task.Delay(100);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToList();
        await Task.WhenAll(tasks);
        return new Stats(ok, busy, errors, stop.Elapsed.TotalSeconds, [.. latencies.SelectMany(l => l)]);
    }

    private static async Task<int> CountAsync(Prepared prepared)
    {
        await using var app = await OpenAsync(prepared);
        return await app.DbAsync(db => db.SampleRecords.IgnoreQueryFilters().CountAsync());
    }

    internal static async Task<BenchApp> OpenAsync(Prepared prepared)
    {
        var app = await BenchApp.AttachAsync(prepared.Provider, prepared.Directory, prepared.ConnectionString);
        app.KeepData = true;
        return app;
    }

    /// <summary>C2: the same rows, one transaction (and one durable commit) per row.</summary>
    private static async Task<double> DurableRowsAsync(Prepared prepared, int seconds)
    {
        await using var app = await OpenAsync(prepared);
        var (round, tubes) = await TubesAsync(app, prepared, 2_000);
        return await app.DbAsync(async db =>
        {
            var rows = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                await db.BulkInsertAsync([Row(prepared, round, tubes[rows / 10 % tubes.Count], rows)]);
                await transaction.CommitAsync();
                rows++;
            }

            return rows / sw.Elapsed.TotalSeconds;
        });
    }

    /// <summary>C3: 100,000 of the same rows in one bulk insert.</summary>
    private static async Task<double> BulkAsync(Prepared prepared, int count)
    {
        await using var app = await OpenAsync(prepared);
        var (round, tubes) = await TubesAsync(app, prepared, count / 10);
        var rows = Enumerable.Range(0, count).Select(i => Row(prepared, round, tubes[i / 10], i)).ToList();
        return await app.DbAsync(async db =>
        {
            var sw = Stopwatch.StartNew();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.BulkInsertAsync(rows);
            await transaction.CommitAsync();
            return count / sw.Elapsed.TotalSeconds;
        });
    }

    private static SampleRecord Row(Prepared prepared, Guid round, Tube tube, int i) => new()
    {
        Id = Guid.CreateVersion7(),
        SubdistrictId = prepared.SubdistrictId,
        RoundId = round,
        TubeId = tube.Id,
        TubeCode = tube.Code,
        Position = (i % 10) + 1,
        TakenAt = DateTime.UtcNow,
        RecordedAt = DateTime.UtcNow,
        SamplerId = "bench",
        SamplerName = "bench",
        ContentHash = "bench",
    };

    /// <summary>A fresh round with tubes for the ceiling measurements (not timed).</summary>
    private static async Task<(Guid Round, List<Tube> Tubes)> TubesAsync(BenchApp app, Prepared prepared, int count)
    {
        return await app.DbAsync(async db =>
        {
            var round = new TestingRound { SubdistrictId = prepared.SubdistrictId, Name = "ceiling", Status = RoundStatus.Open, StartsAt = DateTime.UtcNow, EndsAt = DateTime.UtcNow.AddHours(1), CreatedAt = DateTime.UtcNow };
            db.TestingRounds.Add(round);
            await db.SaveChangesAsync();
            var tag = Guid.NewGuid().ToString("N")[..8];
            var tubes = Enumerable.Range(0, count).Select(i => new Tube
            {
                SubdistrictId = prepared.SubdistrictId,
                RoundId = round.Id,
                Code = $"C{tag}{i}",
                Capacity = 10,
                Count = 10,
                OpenedAt = DateTime.UtcNow,
            }).ToList();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.BulkInsertAsync(tubes);
            await transaction.CommitAsync();
            return (round.Id, tubes);
        });
    }
}

/// <summary>The Cordon app as a separate process on a free loopback port.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>
    /// The build next to this one (bin/Release or bin/Debug of src/Cordon), or a published folder when
    /// <paramref name="published"/> is given; every line of the server's standard output goes to <paramref name="output"/>.
    /// </summary>
    public static ServerProcess Start(RegistrationBench.Prepared prepared, bool echo, string? published = null, Action<string>? output = null)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var root = Path.GetDirectoryName(BenchApp.SourceRoot())!;
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var directory = published ?? Path.Combine(root, "Cordon");
        var dll = published is not null ? Path.Combine(published, "Cordon.dll") : Path.Combine(root, "Cordon", "bin", configuration, "net10.0", "Cordon.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (published is not null)
        {
            // As it runs in production: server GC (also the published runtimeconfig's default for a web app).
            start.Environment["DOTNET_gcServer"] = "1";
        }

        start.Environment["Cordon__DataDirectory"] = prepared.Directory;
        start.Environment["Cordon__Database__Provider"] = prepared.Provider;
        start.Environment["Cordon__Bench__Echo"] = echo ? "true" : "false";
        start.Environment["Cordon__SignIn__PermitPerMinute"] = "1000000";
        start.Environment["Cordon__SignIn__PerUserNamePerMinute"] = "1000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (Environment.GetEnvironmentVariable("CORDON_BENCH_TRACE") == "1")
        {
            start.Environment["Logging__LogLevel__Cordon.Features.Testing"] = "Debug";
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (prepared.ConnectionString is not null)
        {
            start.Environment["ConnectionStrings__Cordon"] = new NpgsqlConnectionStringBuilder(prepared.ConnectionString) { MaxPoolSize = 100 }.ConnectionString;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 })
            {
                output?.Invoke(e.Data);
                if (Environment.GetEnvironmentVariable("CORDON_BENCH_TRACE") == "1")
                {
                    Console.WriteLine("   server: " + e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 })
            {
                Console.Error.WriteLine("   server: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, url);
    }

    public int Id => _process.Id;

    public async Task WaitReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await client.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException("The server process exited during start.");
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The server did not answer /healthz.");
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Stop() => Kill();

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
