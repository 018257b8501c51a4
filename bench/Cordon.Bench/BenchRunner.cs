namespace Cordon.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Cordon.Bench -- &lt;benchmark&gt; [--rows N] [--provider Sqlite|Postgres|both] [--postgres CS]</c>;
/// <c>wrk</c> also takes <c>--residents N --connections N --seconds N --threads N --published DIR --wait-idle</c>.
/// Prints figures and ratios; never passes or fails.
/// </summary>
public static class BenchRunner
{
    public static Task<int> Main(string[] args) => RunAsync(args);

    public static async Task<int> RunAsync(string[] args)
    {
        var name = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "help";
        var rows = int.TryParse(Option(args, "--rows"), out var n) ? n : 100_000;
        var postgres = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("CORDON_BENCH_POSTGRES")
            ?? "Host=127.0.0.1;Port=5432;Username=postgres;Password=cordon;Timeout=5";
        var providers = (Option(args, "--provider") ?? "both") switch
        {
            "both" => new[] { "Sqlite", "Postgres" },
            var one => [one],
        };

        Console.WriteLine($"Cordon benchmarks · {DateTime.Now:yyyy-MM-dd HH:mm} · {Environment.ProcessorCount} cores · {Environment.OSVersion} · .NET {Environment.Version}");
        switch (name)
        {
            case "import":
                foreach (var provider in providers)
                {
                    await ImportBench.RunAsync(provider, provider == "Postgres" ? postgres : null, rows);
                }

                return 0;
            case "registration":
                foreach (var provider in providers)
                {
                    await RegistrationBench.RunAsync(provider, provider == "Postgres" ? postgres : null,
                        int.TryParse(Option(args, "--residents"), out var residents) ? residents : 100_000,
                        [.. (Option(args, "--levels") ?? "50,200,1000").Split(',').Select(int.Parse)],
                        int.TryParse(Option(args, "--seconds"), out var seconds) ? seconds : 10);
                }

                return 0;
            case "coverage":
                foreach (var provider in providers)
                {
                    await CoverageBench.RunAsync(provider, provider == "Postgres" ? postgres : null,
                        int.TryParse(Option(args, "--residents"), out var people) ? people : 100_000,
                        int.TryParse(Option(args, "--iterations"), out var iterations) ? iterations : 100);
                }

                return 0;
            case "lockdowns":
                foreach (var provider in providers)
                {
                    await LockdownBench.RunAsync(provider, provider == "Postgres" ? postgres : null,
                        int.TryParse(Option(args, "--residents"), out var inhabitants) ? inhabitants : 100_000,
                        int.TryParse(Option(args, "--lockdowns"), out var count) ? count : 30,
                        int.TryParse(Option(args, "--iterations"), out var runs) ? runs : 50);
                }

                return 0;
            case "sweeps":
                foreach (var provider in providers)
                {
                    await SweepBench.RunAsync(provider, provider == "Postgres" ? postgres : null, int.TryParse(Option(args, "--iterations"), out var times) ? times : 10);
                }

                return 0;
            case "certificates":
                foreach (var provider in providers)
                {
                    await CertificateBench.RunAsync(provider, provider == "Postgres" ? postgres : null, int.TryParse(Option(args, "--people"), out var people) ? people : 500);
                }

                return 0;
            case "faults":
                var passed = true;
                foreach (var provider in providers)
                {
                    passed &= await FaultBench.RunAsync(provider, provider == "Postgres" ? postgres : null,
                        int.TryParse(Option(args, "--kills"), out var kills) ? kills : 5, restartPostgres: false);
                    if (provider == "Postgres")
                    {
                        passed &= await FaultBench.RunAsync(provider, postgres, 0, restartPostgres: true);
                    }
                }

                Console.WriteLine(passed ? "faults: all PASS" : "faults: FAIL");
                return passed ? 0 : 1;
            case "wrk":
                var published = Option(args, "--published");
                var ours = published is null;
                published ??= await WrkBench.PublishAsync();
                try
                {
                    foreach (var provider in providers)
                    {
                        await WrkBench.RunAsync(provider, provider == "Postgres" ? postgres : null, published,
                            int.TryParse(Option(args, "--residents"), out var population) ? population : 100_000,
                            int.TryParse(Option(args, "--connections"), out var connections) ? connections : 200,
                            int.TryParse(Option(args, "--seconds"), out var duration) ? duration : 10,
                            int.TryParse(Option(args, "--threads"), out var threads) ? threads : 2,
                            args.Contains("--wait-idle"));
                    }
                }
                finally
                {
                    if (ours)
                    {
                        Directory.Delete(published, recursive: true);
                    }
                }

                return 0;
            default:
                Console.WriteLine("benchmarks: import, registration, coverage, lockdowns, faults, wrk");
                return name == "help" ? 0 : 2;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
