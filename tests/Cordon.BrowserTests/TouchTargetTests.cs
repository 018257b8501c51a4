using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Cordon.BrowserTests;

/// <summary>Issue 10 §2.8: every control on every page is at least 44 px tall on a 360-px phone.</summary>
public sealed class TouchTargetTests(BrowserApp browser, ITestOutputHelper output)
{
    private const int Minimum = 44;

    [Fact]
    public async Task EveryControlOnEveryPageIsAtLeast44PixelsTallOnAPhone()
    {
        var pages = await PagesAsync();
        var small = new List<string>();
        foreach (var (user, urls) in pages)
        {
            var page = await browser.PageAsync(360, 780);
            if (user is not null)
            {
                await LedgerTests.SignInAsync(page, user);
            }

            foreach (var url in urls)
            {
                var response = await page.GotoAsync(url);
                Assert.True(response is { Ok: true }, $"{user} {url}: {response?.Status}");
                // Open every disclosure so what it hides is measured too.
                await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
                var found = await page.EvaluateAsync<JsonElement>(TouchTargets.MeasureScript, Minimum);
                foreach (var item in found.EnumerateArray())
                {
                    small.Add($"{user ?? "anonymous"} {url}: {item.GetString()}");
                }
            }

            await page.Context.CloseAsync();
        }

        output.WriteLine($"Measured {pages.Sum(p => p.Urls.Count)} pages.");
        Assert.True(small.Count == 0, "Controls under 44 px:\n" + string.Join("\n", small));
    }

    private async Task<List<(string? User, List<string> Urls)>> PagesAsync()
    {
        var app = browser.App;
        var commander = await app.ApiAsync("commander");
        var compound = await app.DbAsync(db => db.Compounds.Where(c => c.Name == "政立路580弄").Select(c => c.Id).SingleAsync());
        var created = await commander.PostAsJsonAsync("/api/v1/testing/rounds", new { name = "触控测试", compoundIds = new[] { compound } });
        var round = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await commander.PostAsync($"/api/v1/testing/rounds/{round}/open", null)).EnsureSuccessStatusCode();
        var building = await app.DbAsync(db => db.Buildings.Where(b => b.CompoundId == compound).OrderBy(b => b.SortKey).Select(b => b.Id).FirstAsync());
        var flat = await app.DbAsync(db => db.Flats.Where(f => f.BuildingId == building && db.Residents.Any(r => r.FlatId == f.Id)).Select(f => f.Id).FirstAsync());
        var resident = await app.DbAsync(db => db.Residents.Where(r => r.FlatId == flat).Select(r => r.Id).FirstAsync());
        var user = await app.DbAsync(db => db.Users.Where(u => u.UserName == "volunteer").Select(u => u.Id).SingleAsync());
        var ordered = await commander.PostAsJsonAsync("/api/v1/lockdowns", new { name = "触控封控", level = "sealed", buildingIds = new[] { building }, receivedAt = DateTime.UtcNow.AddMinutes(-16) });
        var lockdown = (await ordered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var hospital = await CareTaskAsync(commander, new { residentId = resident, kind = "hospital" });
        var plan = await CareTaskAsync(commander, new { residentId = resident, kind = "medicine", recurrence = "P3D" });
        string[] care = ["/Care", "/Care/Tasks", $"/Care/Tasks?ResidentId={resident}", $"/Care/Task?id={hospital}", $"/Care/Task?id={plan}", $"/Care/New?ResidentId={resident}"];
        var issued = await commander.PostAsJsonAsync("/api/v1/certificates", new { residentId = resident, lockdownId = lockdown, kind = "sealed" });
        var certificate = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        string[] certificates = ["/Certificates", $"/Certificates?LockdownId={lockdown}", $"/Certificates/Details?id={certificate}"];
        string[] lockdowns = ["/Lockdowns", "/Lockdowns/New", $"/Lockdowns/Details?id={lockdown}", "/Lockdowns/Plan", "/Notifications"];
        string[] testing =
        [
            "/Testing", $"/Testing/Rounds/{round}", $"/Testing/Rounds/{round}/Plan", $"/Testing/Rounds/{round}/Missing?buildingId={building}",
            $"/Testing/Rounds/{round}/Missing?home=true", $"/Testing/Rounds/{round}/Buildings/{building}", $"/Testing/Rounds/{round}/Flats/{flat}",
            $"/Testing/Rounds/{round}/Recall", "/Testing/Lab", "/Testing/Sample", "/Testing/Knock", "/Conflicts",
        ];
        string[] ledger =
        [
            "/", "/Ledger", "/Ledger/Search", $"/Ledger/Compounds/{compound}", $"/Ledger/Buildings/{building}", $"/Ledger/Flats/{flat}",
            $"/Ledger/Residents/{resident}", $"/Ledger/Residents/Edit/{resident}", "/Ledger/Import", "/Ledger/Proposals",
        ];
        return
        [
            (null, ["/Account/Login", "/v"]),
            ("commander", [.. ledger, .. testing, .. lockdowns, "/Audit", "/Staff", "/Staff/Edit", "/Staff/Import", "/Staff/Fatigue", "/CallUps", "/CallUps/New", "/Sweeps", "/Hotline", .. care, .. certificates]),
            ("staff", [.. care, .. certificates]),
            ("volunteer", ["/", "/Sweeps", "/Hotline", .. care, "/Certificates", "/Lockdowns", $"/Lockdowns/Details?id={lockdown}", "/Notifications", "/Testing/Knock", $"/Testing/Rounds/{round}/Missing?buildingId={building}", $"/Ledger/Residents/{resident}"]),
            ("sampler", ["/", "/Testing", "/Testing/Sample"]),
            ("admin", ["/Admin/Users", $"/Admin/Users/Edit/{user}", "/Audit", "/Admin/Robot", "/Lockdowns/Plan"]),
        ];
    }

    private static async Task<Guid> CareTaskAsync(HttpClient client, object body)
    {
        var created = await client.PostAsJsonAsync("/api/v1/care/tasks", body);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
