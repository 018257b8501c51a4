using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Testing;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Bench;

/// <summary>
/// Faults, with a pass/fail summary: the server process is killed (SIGKILL) at random moments while
/// 20 clients register; or PostgreSQL is restarted mid-load. Afterwards every acknowledged record
/// must be present exactly once, and clients retrying what was never acknowledged must end with the
/// server's count equal to theirs and no duplicates.
/// </summary>
public static class FaultBench
{
    public static async Task<bool> RunAsync(string provider, string? postgresAdmin, int kills, bool restartPostgres)
    {
        var what = restartPostgres ? "PostgreSQL restarted mid-load" : $"server killed (SIGKILL) {kills}× mid-load";
        Console.WriteLine($"== faults · {provider} · {what} · 20 clients");
        var prepared = await RegistrationBench.PrepareAsync(provider, postgresAdmin, 20_000, 1);
        var server = ServerProcess.Start(prepared, echo: false);
        try
        {
            await server.WaitReadyAsync();
            var token = await TokenAsync(server.Url);
            var clients = Enumerable.Range(0, 20).Select(i => new Client(i, prepared.Rounds[0], prepared.Codes.Skip(i * 400).Take(400).ToList())).ToList();
            var url = server.Url;
            using var stop = new CancellationTokenSource();
            var load = clients.Select(c => c.RunAsync(() => url, token, stop.Token)).ToList();
            var random = new Random(7);
            var retryableErrors = 0;
            if (restartPostgres)
            {
                await Task.Delay(3000);
                Console.WriteLine("   restarting PostgreSQL …");
                var restart = Process.Start("pg_ctlcluster", ["15", "main", "restart"])!;
                await restart.WaitForExitAsync();
                Console.WriteLine($"   PostgreSQL restarted (exit {restart.ExitCode})");
                await Task.Delay(4000);
            }
            else
            {
                for (var k = 0; k < kills; k++)
                {
                    await Task.Delay(random.Next(800, 2500));
                    server.Kill();
                    Console.WriteLine($"   killed the server after {clients.Sum(c => c.Acknowledged.Count):N0} acknowledgements");
                    server.Dispose();
                    server = ServerProcess.Start(prepared, echo: false);
                    url = server.Url;
                    await server.WaitReadyAsync();
                }

                await Task.Delay(1500);
            }

            await stop.CancelAsync();
            await Task.WhenAll(load);
            retryableErrors = clients.Sum(c => c.RetryableErrors);
            var fatal = clients.Sum(c => c.FatalErrors);

            // Clients retry everything never acknowledged, with the same ids, until answered.
            foreach (var client in clients)
            {
                await client.RetryUnacknowledgedAsync(url, token);
            }

            server.Kill();
            await using var app = await RegistrationBench.OpenAsync(prepared);
            var ids = clients.SelectMany(c => c.Acknowledged.Keys).ToList();
            var stored = await app.DbAsync(db => db.SampleRecords.IgnoreQueryFilters().Where(r => r.RoundId == prepared.Rounds[0]).Select(r => new { r.Id, r.ResidentId }).ToListAsync());
            var storedIds = stored.Select(s => s.Id).ToHashSet();
            var missing = ids.Count(id => !storedIds.Contains(id));
            var duplicatePeople = stored.Count - stored.Select(s => s.ResidentId).Distinct().Count();
            var sent = clients.Sum(c => c.Sent);
            var pass = missing == 0 && duplicatePeople == 0 && stored.Count == ids.Count && fatal == 0;
            Console.WriteLine($"   records sent {sent:N0}; acknowledged {ids.Count:N0}; stored {stored.Count:N0}; acknowledged but missing {missing}; duplicates {duplicatePeople}; retryable errors {retryableErrors:N0}; other errors {fatal}");
            Console.WriteLine($"   {(pass ? "PASS" : "FAIL")}: every acknowledged record present once, server count = client count, no duplicates");
            return pass;
        }
        finally
        {
            server.Dispose();
            await prepared.DisposeAsync();
        }
    }

    private static async Task<string> TokenAsync(string url)
    {
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = "sampler", password = BenchApp.Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>A sampler's device: a list of records made ahead (ids fixed), sent one by one, each retried until answered.</summary>
    private sealed class Client(int number, Guid round, List<string> codes)
    {
        private readonly List<SampleCommand> _records = [.. codes.Select((code, i) =>
            new SampleCommand(Guid.CreateVersion7(), round, code, null, $"F{number:X2}T{i / 10:X4}", DateTime.UtcNow, DeviceId: $"device-{number}", DeviceSequence: i + 1))];

        public ConcurrentDictionary<Guid, int> Acknowledged { get; } = new();

        public int Sent { get; private set; }

        public int RetryableErrors { get; private set; }

        public int FatalErrors { get; private set; }

        public async Task RunAsync(Func<string> url, string token, CancellationToken stop)
        {
            foreach (var record in _records)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                Sent++;

                // Like the device's queue: the same record again until the server answers for it.
                while (!await SendAsync(url(), token, record) && !stop.IsCancellationRequested)
                {
                    await Task.Delay(200, CancellationToken.None);
                }
            }
        }

        public async Task RetryUnacknowledgedAsync(string url, string token)
        {
            foreach (var record in _records.Take(Sent).Where(r => !Acknowledged.ContainsKey(r.Id)))
            {
                for (var attempt = 0; attempt < 20 && !Acknowledged.ContainsKey(record.Id); attempt++)
                {
                    if (!await SendAsync(url, token, record))
                    {
                        await Task.Delay(200);
                    }
                }
            }
        }

        private async Task<bool> SendAsync(string url, string token, SampleCommand record)
        {
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await client.PostAsJsonAsync("/api/v1/sampling/records", record);
                if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    Acknowledged[record.Id] = 1;
                    return true;
                }

                if ((int)response.StatusCode >= 500)
                {
                    RetryableErrors++;
                    return false;
                }

                FatalErrors++;
                Console.WriteLine($"   refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                RetryableErrors++;
                return false;
            }
        }
    }
}
