using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Features.Testing;

/// <summary>Helpers that drive testing the way the sampler's device and the command office do, through the API.</summary>
internal static class Sampling
{
    public static async Task<Guid> OpenRoundAsync(CordonApp app, HttpClient commander, string compound, int poolSize = 10, string? building = null)
    {
        var compoundId = await app.DbAsync(db => db.Compounds.Where(c => c.Name == compound).Select(c => c.Id).SingleAsync());
        object body = building is null
            ? new { name = "测试轮次 " + Guid.NewGuid().ToString("N")[..4], compoundIds = new[] { compoundId }, poolSize }
            : new
            {
                name = "测试轮次 " + Guid.NewGuid().ToString("N")[..4],
                buildingIds = new[] { await app.DbAsync(db => db.Buildings.Where(b => b.CompoundId == compoundId && b.Number == building).Select(b => b.Id).SingleAsync()) },
                poolSize,
            };
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var opened = await commander.PostAsync($"/api/v1/testing/rounds/{id}/open", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, opened.StatusCode);
        return id;
    }

    public static Task<List<string>> CodesAsync(CordonApp app, string compound, int count, string? building = null) => app.DbAsync(db => db.Residents
        .Where(r => (r.Status == Cordon.Platform.People.ResidenceStatus.Resident || r.Status == Cordon.Platform.People.ResidenceStatus.Tenant)
            && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound)
            && (building == null || db.Buildings.Any(b => b.Id == r.BuildingId && b.Number == building)))
        .OrderBy(r => r.Id).Select(r => r.SamplingCode).Take(count).ToListAsync());

    public static Task<HttpResponseMessage> RegisterAsync(HttpClient sampler, Guid round, string code, string tube, Guid? id = null, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["id"] = id ?? Guid.NewGuid(),
            ["roundId"] = round,
            ["samplingCode"] = code,
            ["tubeCode"] = tube,
            ["takenAt"] = DateTime.UtcNow.ToString("O"),
        };
        if (extra is not null)
        {
            foreach (var p in extra.GetType().GetProperties())
            {
                body[p.Name] = p.GetValue(extra);
            }
        }

        return sampler.PostAsJsonAsync("/api/v1/sampling/records", body);
    }

    public static async Task<string> CodeOfAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;

    public static string Tube() => "T" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    public const string Quiet = DemoData.OtherCompound;
}
