using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Bench;

/// <summary>
/// Issue 13's measure: for the seed's compound (the demo's 政立路580弄, about 1,700 flats in 42 buildings) the order
/// "16 teams" → 16 packets, as the server spends it: planning the round (entrances, efforts, split, sweep_ready) and
/// reading the 16 packets a printer or 16 phones ask for.
/// </summary>
public static class SweepBench
{
    public static async Task RunAsync(string provider, string? postgresAdmin, int iterations)
    {
        await using var app = await BenchApp.StartAsync(provider, postgresAdmin, demo: true);
        var client = await app.ClientAsync("commander", "Demo#2022");
        var compound = await app.DbAsync(db => db.Compounds.Where(c => c.Name == "政立路580弄").Select(c => c.Id).SingleAsync());
        var flats = await app.DbAsync(db => db.Flats.CountAsync(f => f.CompoundId == compound));
        var buildings = await app.DbAsync(db => db.Buildings.CountAsync(b => b.CompoundId == compound));
        Console.WriteLine($"== sweeps · {provider} · 政立路580弄: {flats:N0} flats in {buildings} buildings · 16 teams · median of {iterations} runs (after one warm-up)");
        var plans = new List<double>();
        var packets = new List<double>();
        double spread = 0;
        for (var run = 0; run <= iterations; run++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await client.PostAsJsonAsync("/api/v1/sweeps", new { compoundIds = new[] { compound }, round = 1 + (run % 20), label = "基准", teams = 16 });
            response.EnsureSuccessStatusCode();
            var sweep = await response.Content.ReadFromJsonAsync<JsonElement>();
            var planned = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            spread = sweep.GetProperty("spread").GetDouble();
            var id = sweep.GetProperty("id").GetGuid();
            started = Stopwatch.GetTimestamp();
            for (var team = 1; team <= 16; team++)
            {
                (await client.GetAsync($"/api/v1/sweeps/{id}/packets/{team}")).EnsureSuccessStatusCode();
            }

            if (run > 0)
            {
                plans.Add(planned);
                packets.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        plans.Sort();
        packets.Sort();
        var plan = plans[plans.Count / 2];
        var read = packets[packets.Count / 2];
        Console.WriteLine($"   plan the round (POST /api/v1/sweeps): {plan:F0} ms · spread between the heaviest and the lightest team {spread:P1}");
        Console.WriteLine($"   16 packets (GET …/packets/{{team}} × 16): {read:F0} ms in all, {read / 16:F1} ms each");
        Console.WriteLine($"   order → 16 packets on the server: {plan + read:F0} ms ({(plan + read) / 1000:P0} of the one-second budget)");
    }
}
