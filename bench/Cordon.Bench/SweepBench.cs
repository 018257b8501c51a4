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
        var last = Guid.Empty;
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
            last = id;
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

        // The round walked: every flat visited once (one in five nobody home), sent as the phones' queues send them.
        var visits = new List<object>();
        for (var team = 1; team <= 16; team++)
        {
            var packet = await client.GetFromJsonAsync<JsonElement>($"/api/v1/sweeps/{last}/packets/{team}");
            visits.AddRange(packet.GetProperty("entrances").EnumerateArray().SelectMany(e => e.GetProperty("flats").EnumerateArray()).Select((f, i) => (object)new
            {
                id = Guid.CreateVersion7(),
                flatId = f.GetProperty("flatId").GetGuid(),
                outcome = i % 5 == 4 ? "nobody_home" : "answered",
                occupants = f.GetProperty("residents").GetArrayLength(),
                residents = f.GetProperty("residents").EnumerateArray().Select(r => new { residentId = r.GetProperty("id").GetGuid(), presence = "here" }).ToArray(),
                deviceId = $"bench-{team}",
                deviceSequence = i,
            }));
        }

        var walked = Stopwatch.GetTimestamp();
        foreach (var batch in visits.Chunk(100))
        {
            (await client.PostAsJsonAsync($"/api/v1/sweeps/{last}/visits:batch", batch)).EnsureSuccessStatusCode();
        }

        var sent = Stopwatch.GetElapsedTime(walked).TotalMilliseconds;
        var progressAt = Stopwatch.GetTimestamp();
        (await client.GetAsync($"/api/v1/sweeps/{last}/progress")).EnsureSuccessStatusCode();
        var progress = Stopwatch.GetElapsedTime(progressAt).TotalMilliseconds;
        var compareAt = Stopwatch.GetTimestamp();
        (await client.GetAsync($"/api/v1/sweeps/{last}/compare")).EnsureSuccessStatusCode();
        var compare = Stopwatch.GetElapsedTime(compareAt).TotalMilliseconds;
        Console.WriteLine($"   {visits.Count:N0} visits in batches of 100 (POST …/visits:batch): {sent:F0} ms, {sent / visits.Count:F2} ms a visit");
        Console.WriteLine($"   progress of the round: {progress:F0} ms · {iterations + 1} rounds compared: {compare:F0} ms");
    }
}
