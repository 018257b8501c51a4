using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cordon.Features.Testing;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Bench;

/// <summary>
/// Sample registration measured from outside: the published build as its own process, driven by wrk
/// (not by .NET), 200 connections by default. One process per provider, and in this order, on a
/// process that has served nothing but /healthz, the sign-ins and the round's creation:
/// <list type="number">
/// <item>cold: the first 5 s right after the first round is opened;</item>
/// <item>warm: a new round, <c>--seconds</c>;</item>
/// <item>new round: the first 5 s of another new round on the now warm process;</item>
/// <item>the static-file baseline (<c>/css/site.css</c>), with plain wrk and with the same script.</item>
/// </list>
/// A phase has more than one round when 30,000/s would use up the residents (each is sampled once a
/// round); the script moves on to the next round then. Afterwards the database is asked how many
/// records each phase's rounds hold: every 2xx must be there once.
/// </summary>
public static partial class WrkBench
{
    private const int PoolSize = 10;
    private const int ColdSeconds = 5;
    private const string StaticPath = "/css/site.css";
    private const string PlainStatic = "static file (plain wrk)";

    /// <summary>
    /// Rounds are opened for a phase so that this rate would not run out of people (each may be sampled
    /// once per round): a thread that has used up its slice goes on in the phase's next round.
    /// </summary>
    private const int HeadroomPerSecond = 30_000;

    /// <summary>What wrk and the script's done() reported for one phase.</summary>
    private sealed record Phase(string Name, Dictionary<string, long> Figures, Dictionary<int, long> Statuses, string Sample, long[] PerSecond, Guid[] Rounds)
    {
        public CpuUse.Cores? Cpu { get; set; }

        public double Seconds => Figures["duration_us"] / 1e6;

        public long Ok => Figures["ok"];

        public double Rate => Ok / Seconds;

        public long Non2xx => Statuses.Values.Sum();

        public long SocketErrors => Figures["connect"] + Figures["read"] + Figures["write"] + Figures["timeout"];

        public double Ms(string key) => Figures[key] / 1000.0;
    }

    /// <summary>Publishes src/Cordon (Release) into a temporary folder; the caller deletes it.</summary>
    public static async Task<string> PublishAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), "cordon-bench", "published-" + Guid.NewGuid().ToString("N")[..8]);
        var project = Path.Combine(BenchApp.SourceRoot(), "Cordon.csproj");
        var sw = Stopwatch.StartNew();
        var (code, text) = await RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "q"]);
        if (code != 0)
        {
            throw new InvalidOperationException("dotnet publish failed:\n" + text);
        }

        Console.WriteLine($"   published src/Cordon (Release) to {output} in {sw.Elapsed.TotalSeconds:F0} s");
        return output;
    }

    public static async Task RunAsync(string provider, string? postgresAdmin, string published, int residents, int connections, int seconds, int threads, bool waitIdle)
    {
        Console.WriteLine($"== wrk · {provider} · published build · {residents:N0} residents · {connections} connections · {threads} wrk threads · cold {ColdSeconds} s, warm {seconds} s · {Environment.ProcessorCount} cores (wrk, app and database share them)");
        var prepared = await RegistrationBench.PrepareAsync(provider, postgresAdmin, residents, rounds: 0);
        var work = Path.Combine(prepared.Directory, "wrk");
        Directory.CreateDirectory(work);
        var codes = Path.Combine(work, "codes");
        for (var t = 0; t < threads; t++)
        {
            // Thread t (1-based in the script) owns the t-th slice: no two threads ever send the same person.
            var from = prepared.Codes.Count * t / threads;
            var to = prepared.Codes.Count * (t + 1) / threads;
            await File.WriteAllLinesAsync($"{codes}-{t + 1}.txt", prepared.Codes[from..to]);
        }

        if (waitIdle)
        {
            var waited = await CpuUse.WaitIdleAsync(TimeSpan.FromMinutes(15));
            Console.WriteLine($"   waited {waited.TotalSeconds:F0} s for an idle machine");
        }

        var log = new ServerLog();
        var server = ServerProcess.Start(prepared, echo: false, published, log.Add);
        var phases = new List<Phase>();
        try
        {
            await server.WaitReadyAsync();
            using var commander = await SignInAsync(server.Url, "bench");
            using var sampler = await SignInAsync(server.Url, "sampler");
            var token = sampler.DefaultRequestHeaders.Authorization!.Parameter!;
            var script = Path.Combine(AppContext.BaseDirectory, "wrk", "cordon.lua");
            var wrk = new Wrk(server.Url, server.Id, script, token, connections, threads);

            // Each phase waits a second after wrk stops, so what wrk left in flight is answered (and counted) in its own round.
            async Task RegisterAsync(string name, string round, int duration)
            {
                var rounds = new Guid[Math.Max(1, (int)Math.Ceiling((double)HeadroomPerSecond * duration / prepared.Codes.Count))];
                for (var i = 0; i < rounds.Length; i++)
                {
                    rounds[i] = await OpenRoundAsync(commander, prepared, rounds.Length == 1 ? round : $"{round} {i + 1}");
                }

                log.Phase = name;
                phases.Add(await wrk.RegisterAsync(name, rounds, codes, duration));
                await Task.Delay(1000);
            }

            await RegisterAsync("cold, first 5 s", "冷启动", ColdSeconds);
            await RegisterAsync($"warm, {seconds} s", "稳态", seconds);
            await RegisterAsync("new round, first 5 s", "新轮次", ColdSeconds);
            log.Phase = "static file";
            phases.Add(await wrk.StaticAsync(PlainStatic, StaticPath, seconds, scripted: false));
            phases.Add(await wrk.StaticAsync("static file, script", StaticPath, seconds, scripted: true));
            await Task.Delay(1000);
            server.Stop();

            Report(provider, phases);
            await VerifyAsync(prepared, phases);
            log.Report();
        }
        finally
        {
            server.Dispose();
            await prepared.DisposeAsync();
        }
    }

    /// <summary>
    /// The ratio is taken against the faster of the two static-file runs: plain wrk (no Lua, so no wrk CPU
    /// for the script's response() callback on the same two cores) and the same script as the
    /// registrations (which runs second, when the static-file path is compiled and warm).
    /// </summary>
    private static void Report(string provider, List<Phase> phases)
    {
        var baseline = phases.Where(p => p.Rounds.Length == 0).MaxBy(p => p.Rate)!;
        Console.WriteLine($"   {"provider",-8} {"phase",-24} {"2xx/s",8} {"p50 ms",7} {"p90 ms",7} {"p99 ms",7} {"max ms",7} {"non-2xx",7} {"socket",6} {"÷ static",8}  CPU cores: server / PostgreSQL / wrk / rest");
        foreach (var phase in phases)
        {
            string Ms(string key) => phase.Figures["requests"] > 0 ? phase.Ms(key).ToString("F1", CultureInfo.InvariantCulture) : "—";
            Console.WriteLine($"   {provider,-8} {phase.Name,-24} {phase.Rate,8:N0} {Ms("p50_us"),7} {Ms("p90_us"),7} {Ms("p99_us"),7} {Ms("max_us"),7} {phase.Non2xx,7:N0} {phase.SocketErrors,6:N0} {phase.Rate / baseline.Rate,8:P0}  {phase.Cpu}");
            if (phase.Figures["requests"] == 0)
            {
                Console.WriteLine($"       no answer at all within {phase.Seconds:F0} s");
            }

            foreach (var (status, count) in phase.Statuses.OrderBy(s => s.Key))
            {
                Console.WriteLine($"       status {status}: {count:N0}");
            }

            if (phase.Sample.Length > 0)
            {
                Console.WriteLine($"       first refusal: {phase.Sample}");
            }

            if (phase.Figures["exhausted"] > 0)
            {
                Console.WriteLine($"       {phase.Figures["exhausted"]:N0} requests found no unused resident (more requests than residents × rounds)");
            }

            if (phase.Rounds.Length > 0)
            {
                Console.WriteLine($"       2xx per second (wall clock, first and last partial): {string.Join(" ", phase.PerSecond.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)))}");
            }
        }

        foreach (var phase in phases.Where(p => p.Rounds.Length > 0))
        {
            var limit = phase.Name.StartsWith("warm", StringComparison.Ordinal) ? 100 : 250;
            var ratio = phase.Rate / baseline.Rate;
            var met = ratio >= 0.5 && phase.Figures["requests"] > 0 && phase.Ms("p99_us") < limit && phase.Non2xx == 0 && phase.SocketErrors == 0;
            Console.WriteLine($"   target {phase.Name}: ≥ 50 % of the static rate ({ratio:P0}), p99 < {limit} ms ({phase.Ms("p99_us"):F0} ms), no errors: {(met ? "met" : "NOT met")}");
        }
    }

    /// <summary>Every 2xx stored once; at most the requests still unanswered when wrk stopped stored besides.</summary>
    private static async Task VerifyAsync(RegistrationBench.Prepared prepared, List<Phase> phases)
    {
        await using var app = await RegistrationBench.OpenAsync(prepared);
        foreach (var phase in phases.Where(p => p.Rounds.Length > 0))
        {
            var rounds = phase.Rounds.ToList();
            var stored = await app.DbAsync(db => db.SampleRecords.IgnoreQueryFilters().CountAsync(r => rounds.Contains(r.RoundId)));
            var used = await app.DbAsync(db => db.SampleRecords.IgnoreQueryFilters().Where(r => rounds.Contains(r.RoundId)).Select(r => r.RoundId).Distinct().CountAsync());
            var unanswered = phase.Figures["written"] - phase.Figures["requests"];
            var verdict = stored == phase.Ok ? "every 2xx stored once"
                : stored > phase.Ok && stored <= phase.Ok + unanswered ? $"every 2xx stored once, plus {stored - phase.Ok:N0} of the requests wrk left unanswered when it stopped"
                : "MISMATCH";
            Console.WriteLine($"   {phase.Name}: 2xx {phase.Ok:N0}, stored {stored:N0} (in {used} of its {rounds.Count} rounds), unanswered at stop {unanswered:N0}: {verdict}");
        }
    }

    private static async Task<HttpClient> SignInAsync(string url, string user)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = user, password = BenchApp.Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A round over every neighborhood (everyone), opened.</summary>
    private static async Task<Guid> OpenRoundAsync(HttpClient commander, RegistrationBench.Prepared prepared, string name)
    {
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "wrk " + name, neighborhoodIds = prepared.Neighborhoods, poolSize = PoolSize });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await commander.PostAsync($"/api/v1/testing/rounds/{id}/open", null)).EnsureSuccessStatusCode();
        return id;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"^\d+m[\d.]+s \d+m[\d.]+s$")]
    private static partial Regex Times();

    private sealed class Wrk(string url, int serverId, string script, string token, int connections, int threads)
    {
        public async Task<Phase> RegisterAsync(string name, Guid[] rounds, string codes, int seconds)
        {
            var tag = Random.Shared.Next().ToString("x8", CultureInfo.InvariantCulture);
            var takenAt = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            var (output, cpu) = await RunWrkAsync(url + "/api/v1/sampling/records", seconds, scripted: true,
                ["-H", "Authorization: Bearer " + token], ["register", codes, string.Join(',', rounds), tag, PoolSize.ToString(CultureInfo.InvariantCulture), takenAt]);
            var phase = Parse(name, output, rounds);
            phase.Cpu = cpu;
            return phase;
        }

        public async Task<Phase> StaticAsync(string name, string path, int seconds, bool scripted)
        {
            var (output, cpu) = await RunWrkAsync(url + path, seconds, scripted, [], ["static", path]);
            var phase = Parse(name, output, []);
            phase.Cpu = cpu;
            return phase;
        }

        private async Task<(string Output, CpuUse.Cores Cpu)> RunWrkAsync(string target, int seconds, bool scripted, string[] headers, string[] arguments)
        {
            // Through the shell, whose `times` then prints wrk's CPU time (user and system) as its last line.
            // wrk's default timeout (2 s) would drop the slowest answers of a cold start from the latency figures.
            List<string> args = ["-c", "wrk \"$@\"; code=$?; times; exit $code", "wrk", "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{seconds}s", "--timeout", "30s", "--latency", .. headers];
            if (scripted)
            {
                args.AddRange(["-s", script, target, "--", .. arguments]);
            }
            else
            {
                args.Add(target);
            }

            var cpu = CpuUse.Start(serverId);
            var started = Stopwatch.GetTimestamp();
            var (code, output) = await RunAsync("bash", args);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (code != 0)
            {
                throw new InvalidOperationException("wrk failed:\n" + output);
            }

            if (Environment.GetEnvironmentVariable("CORDON_BENCH_TRACE") == "1")
            {
                Console.WriteLine(output);
            }

            // times: "0m0.001s 0m0.000s" (the shell), then "0m4.210s 0m3.118s" (its children: wrk).
            var children = output.Split('\n', StringSplitOptions.TrimEntries).Last(l => Times().IsMatch(l));
            var wrkSeconds = children.Split(' ').Sum(Seconds);
            return (output, cpu.Stop(elapsed, wrkSeconds));
        }

        private static double Seconds(string shell)
        {
            // 1m2.345s
            var minutes = shell.IndexOf('m', StringComparison.Ordinal);
            return (int.Parse(shell[..minutes], CultureInfo.InvariantCulture) * 60) + double.Parse(shell[(minutes + 1)..^1], CultureInfo.InvariantCulture);
        }

        private static Phase Parse(string name, string output, Guid[] rounds)
        {
            var figures = new Dictionary<string, long>(StringComparer.Ordinal);
            var statuses = new Dictionary<int, long>();
            var sample = "";
            long[] perSecond = [];
            foreach (var line in output.Split('\n'))
            {
                if (line.StartsWith("CORDON ", StringComparison.Ordinal))
                {
                    foreach (var pair in line["CORDON ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var (key, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
                        figures[key] = (long)double.Parse(value, CultureInfo.InvariantCulture);
                    }
                }
                else if (line.StartsWith("CORDON_STATUS ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    statuses[int.Parse(parts[1], CultureInfo.InvariantCulture)] = long.Parse(parts[2], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("CORDON_SECONDS", StringComparison.Ordinal))
                {
                    perSecond = [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(c => long.Parse(c, CultureInfo.InvariantCulture))];
                }
                else if (line.StartsWith("CORDON_SAMPLE ", StringComparison.Ordinal))
                {
                    sample = line["CORDON_SAMPLE ".Length..].Trim();
                }
            }

            return figures.Count > 0 ? new Phase(name, figures, statuses, sample, perSecond, rounds) : ParsePlain(name, output);
        }

        /// <summary>Plain wrk (no script): its own summary with --latency (p50, p90, p99; no p99.9, no status counts beyond "Non-2xx").</summary>
        private static Phase ParsePlain(string name, string output)
        {
            var figures = new Dictionary<string, long>(StringComparer.Ordinal) { ["exhausted"] = 0 };
            var statuses = new Dictionary<int, long>();
            foreach (var raw in output.Split('\n'))
            {
                var line = raw.Trim();
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0)
                {
                    continue;
                }

                switch (words[0])
                {
                    case "50%":
                        figures["p50_us"] = Micros(words[1]);
                        break;
                    case "90%":
                        figures["p90_us"] = Micros(words[1]);
                        break;
                    case "99%":
                        figures["p99_us"] = Micros(words[1]);
                        break;
                    case "Latency" when words.Length >= 4:
                        figures["mean_us"] = Micros(words[1]);
                        figures["max_us"] = Micros(words[3]);
                        break;
                    case "Non-2xx":
                        statuses[0] = long.Parse(words[^1], CultureInfo.InvariantCulture);
                        break;
                    case "Socket":
                        // Socket errors: connect 0, read 0, write 0, timeout 0
                        figures["connect"] = long.Parse(words[3].TrimEnd(','), CultureInfo.InvariantCulture);
                        figures["read"] = long.Parse(words[5].TrimEnd(','), CultureInfo.InvariantCulture);
                        figures["write"] = long.Parse(words[7].TrimEnd(','), CultureInfo.InvariantCulture);
                        figures["timeout"] = long.Parse(words[9], CultureInfo.InvariantCulture);
                        break;
                }

                if (words.Length >= 5 && words[1] == "requests" && words[2] == "in")
                {
                    // 123456 requests in 10.00s, 2.00GB read
                    figures["requests"] = long.Parse(words[0], CultureInfo.InvariantCulture);
                    figures["duration_us"] = (long)(double.Parse(words[3].TrimEnd(',', 's'), CultureInfo.InvariantCulture) * 1e6);
                }
            }

            foreach (var key in new[] { "connect", "read", "write", "timeout" })
            {
                figures.TryAdd(key, 0);
            }

            figures["ok"] = figures["requests"] - statuses.Values.Sum();
            figures["written"] = figures["requests"];
            figures["p999_us"] = figures["max_us"];
            return new Phase(name, figures, statuses, "", [], []);
        }

        private static long Micros(string text)
        {
            var (number, scale) = text.EndsWith("us", StringComparison.Ordinal) ? (text[..^2], 1.0)
                : text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1e3)
                : text.EndsWith("m", StringComparison.Ordinal) ? (text[..^1], 60e6)
                : (text[..^1], 1e6);
            return (long)(double.Parse(number, CultureInfo.InvariantCulture) * scale);
        }
    }

    /// <summary>The server's standard output (Warning and above, see ServerProcess), each line with the phase it came in.</summary>
    private sealed class ServerLog
    {
        private readonly List<(string Phase, string Line)> _lines = [];

        public string Phase { get; set; } = "start";

        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Add((Phase, line));
            }
        }

        /// <summary>The console logger writes "warn: Category[event]" and the message on the next line.</summary>
        public void Report()
        {
            lock (_lines)
            {
                var entries = new List<(string Phase, string Text)>();
                for (var i = 0; i < _lines.Count; i++)
                {
                    var (phase, line) = _lines[i];
                    if (line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
                    {
                        var message = i + 1 < _lines.Count && _lines[i + 1].Line.StartsWith(' ') ? " " + _lines[i + 1].Line.Trim() : "";
                        entries.Add((phase, line + message));
                    }
                }

                Console.WriteLine($"   server log, Warning and above: {entries.Count} entries");
                foreach (var group in entries.GroupBy(e => e).Take(20))
                {
                    Console.WriteLine($"     {group.Count(),6} × [{group.Key.Phase}] {group.Key.Text[..Math.Min(group.Key.Text.Length, 300)]}");
                }
            }
        }
    }
}
