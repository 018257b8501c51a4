using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Platform.Clock;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Bench;

/// <summary>
/// The commander's board with 30 lockdowns at once over a 100,000-resident sub-district (issue 11): the board's API,
/// one lockdown's details (unlock rule included), and one clock tick that moves every deadline and recomputes every
/// lockdown's unlock rule for the board.
/// </summary>
public static class LockdownBench
{
    public static async Task RunAsync(string provider, string? postgresAdmin, int residents, int lockdowns, int iterations)
    {
        Console.WriteLine($"== lockdown board · {provider} · {residents:N0} residents · {lockdowns} lockdowns of 3 buildings · p50/p95 of {iterations} runs");
        var prepared = await RegistrationBench.PrepareAsync(provider, postgresAdmin, residents, 0);
        try
        {
            await using var app = await RegistrationBench.OpenAsync(prepared);
            var client = await app.ClientAsync();
            var buildings = await app.DbAsync(db => db.Buildings.IgnoreQueryFilters().OrderBy(b => b.CompoundId).ThenBy(b => b.SortKey).Select(b => b.Id).Take(lockdowns * 3).ToListAsync());
            var ids = new List<Guid>();
            var created = Stopwatch.StartNew();
            for (var i = 0; i < lockdowns; i++)
            {
                var answer = await client.PostAsJsonAsync("/api/v1/lockdowns", new
                {
                    name = $"基准封控 {i + 1}",
                    level = "sealed",
                    buildingIds = buildings.Skip(i * 3).Take(3),
                    receivedAt = DateTime.UtcNow.AddMinutes(-(i * 7) % 300),
                });
                answer.EnsureSuccessStatusCode();
                ids.Add((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
            }

            Console.WriteLine($"   ordered {lockdowns} lockdowns (each with its two-round series, milestones and checklist) in {created.Elapsed.TotalMilliseconds / lockdowns:F0} ms each");
            var board = await TimeAsync(iterations, async () => (await client.GetFromJsonAsync<List<JsonElement>>("/api/v1/lockdowns"))!.Count);
            var details = await TimeAsync(iterations, async () => (await client.GetFromJsonAsync<JsonElement>($"/api/v1/lockdowns/{ids[^1]}")).GetProperty("residents").GetInt32());
            var watcher = app.Services.GetRequiredService<DeadlineWatcher>();
            var tick = await TimeAsync(Math.Max(5, iterations / 10), () => watcher.TickAsync(CancellationToken.None));
            Console.WriteLine($"   board (GET /api/v1/lockdowns, {board.Result} lockdowns): p50 {board.P50:F1} ms, p95 {board.P95:F1} ms");
            Console.WriteLine($"   one lockdown with its unlock rule (GET /api/v1/lockdowns/{{id}}, {details.Result:N0} residents): p50 {details.P50:F1} ms, p95 {details.P95:F1} ms");
            Console.WriteLine($"   one clock tick (every deadline, every lockdown's unlock rule): p50 {tick.P50:F1} ms, p95 {tick.P95:F1} ms · a tick every 15 s uses {tick.P50 / 150:F2} % of one core");
        }
        finally
        {
            await prepared.DisposeAsync();
        }
    }

    private sealed record Timing(double P50, double P95, int Result);

    private static async Task<Timing> TimeAsync(int iterations, Func<Task<int>> work)
    {
        var result = await work();
        var times = new List<double>();
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            result = await work();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return new Timing(times[times.Count / 2], times[Math.Min(times.Count - 1, (int)(times.Count * 0.95))], result);
    }
}
