using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Bench;

/// <summary>
/// Issue 15's measure: a lockdown's residents get their certificates in one action, then every PDF is fetched as a
/// printer would ask for it. The demo's 政立路580弄 is sealed building by building until at least 500 people are in.
/// </summary>
public static class CertificateBench
{
    public static async Task RunAsync(string provider, string? postgresAdmin, int people)
    {
        await using var app = await BenchApp.StartAsync(provider, postgresAdmin, demo: true);
        var client = await app.ClientAsync("commander", "Demo#2022");
        var buildings = await app.DbAsync(db => db.Buildings.Where(b => db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == "政立路580弄"))
            .Select(b => new { b.Id, People = db.Residents.Count(r => r.BuildingId == b.Id && r.DocumentNumber != null) }).OrderBy(b => b.Id).ToListAsync());
        var sealedIds = new List<Guid>();
        var sum = 0;
        foreach (var b in buildings.TakeWhile(_ => sum < people))
        {
            sealedIds.Add(b.Id);
            sum += b.People;
        }

        var lockdown = await client.PostAsJsonAsync("/api/v1/lockdowns", new { name = "证明基准", level = "sealed", buildingIds = sealedIds });
        lockdown.EnsureSuccessStatusCode();
        var id = (await lockdown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Console.WriteLine($"== certificates · {provider} · 政立路580弄: {sealedIds.Count} buildings sealed, {sum:N0} residents with a document");

        var started = Stopwatch.GetTimestamp();
        var bulk = await client.PostAsync($"/api/v1/lockdowns/{id}/certificates", null);
        bulk.EnsureSuccessStatusCode();
        var issuedIn = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var result = await bulk.Content.ReadFromJsonAsync<JsonElement>();
        var issued = result.GetProperty("issued").GetInt32();
        var ids = await app.DbAsync(db => db.Set<Cordon.Features.Certificates.Certificate>().Where(c => c.LockdownId == id).Select(c => c.Id).ToListAsync());

        started = Stopwatch.GetTimestamp();
        long bytes = 0;
        foreach (var certificate in ids)
        {
            var pdf = await client.GetAsync($"/api/v1/certificates/{certificate}/pdf");
            pdf.EnsureSuccessStatusCode();
            bytes += (await pdf.Content.ReadAsByteArrayAsync()).Length;
        }

        var pdfsIn = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"   issue in one action (POST /api/v1/lockdowns/{{id}}/certificates): {issued:N0} signed in {issuedIn:F1} s ({issued / Math.Max(issuedIn, 0.001):N0}/s); skipped {result.GetProperty("skipped").GetArrayLength()}");
        Console.WriteLine($"   their PDFs one by one (GET …/pdf × {ids.Count:N0}): {pdfsIn:F1} s, {pdfsIn * 1000 / Math.Max(ids.Count, 1):F0} ms and {bytes / Math.Max(ids.Count, 1) / 1024.0:F0} KB each");
        var per500 = (issuedIn + pdfsIn) * 500 / Math.Max(issued, 1);
        Console.WriteLine($"   500 certificates with their PDFs: {per500:F1} s ({per500 / 60:P0} of the 60-second budget)");
    }
}
