using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Certificates;
using Cordon.Features.Demo;
using Cordon.Features.Lockdowns;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Tests.Features.Certificates;

/// <summary>A demo app of its own: these tests seal and unlock buildings.</summary>
public sealed class CertificatesApp : CordonApp;

/// <summary>Home-stay certificates (issue 15): signed ES256 tokens that verify with the published keys, no more than the last 4 of a document, status and revocation, the end date on unlock.</summary>
public sealed class CertificateTests(CertificatesApp app) : IClassFixture<CertificatesApp>
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private async Task<(Guid Lockdown, Guid Building)> SealAsync(string compound, int skip)
    {
        var client = await app.ApiAsync("commander");
        var building = await app.DbAsync(db => db.Buildings.Where(b => db.Compounds.Any(c => c.Id == b.CompoundId && c.Name == compound)).OrderBy(b => b.SortKey).Skip(skip).Select(b => b.Id).FirstAsync());
        var created = await client.PostAsJsonAsync("/api/v1/lockdowns", new { name = "证明测试", level = "sealed", buildingIds = new[] { building } });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return ((await JsonAsync(created)).GetProperty("id").GetGuid(), building);
    }

    private static string Token(JsonElement certificate)
    {
        var qr = certificate.GetProperty("qr").GetString()!;
        Assert.Contains("/v#", qr, StringComparison.Ordinal);
        return qr[(qr.IndexOf('#', StringComparison.Ordinal) + 1)..];
    }

    [Fact]
    public async Task ATokenVerifiesWithThePublishedKeyFailsWithAnyCharacterChangedAndHoldsOnlyTheLastFourOfTheDocument()
    {
        var staff = await app.ApiAsync("staff");
        var (lockdown, building) = await SealAsync("国定路400弄", 0);
        var resident = await app.DbAsync(db => db.Residents.Where(r => r.BuildingId == building && r.DocumentNumber != null).OrderBy(r => r.Id).FirstAsync());
        var created = await staff.PostAsJsonAsync("/api/v1/certificates", new { id = Guid.CreateVersion7(), residentId = resident.Id, lockdownId = lockdown, kind = "sealed" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var certificate = await JsonAsync(created);
        Assert.Equal("valid", certificate.GetProperty("status").GetString());
        var token = Token(certificate);

        var anonymous = app.CreateClient();
        var keys = await anonymous.GetFromJsonAsync<Jwks>("/.well-known/cordon/keys.json", new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.All(keys!.Keys, k => Assert.Equal(("EC", "P-256"), (k.Kty, k.Crv)));
        var payload = CertificateSigner.Verify(token, keys)!.Value;
        Assert.Equal(resident.Name, payload.GetProperty("n").GetString());
        Assert.Equal(resident.DocumentNumber![^4..], payload.GetProperty("d4").GetString());
        Assert.Equal("sealed", payload.GetProperty("k").GetString());
        Assert.False(payload.TryGetProperty("t", out _));
        Assert.Equal(certificate.GetProperty("number").GetString(), payload.GetProperty("id").GetString());
        var json = payload.GetRawText();
        Assert.DoesNotContain(resident.DocumentNumber[..^4], json, StringComparison.Ordinal);
        Assert.DoesNotContain("室", payload.GetProperty("p").GetString()!, StringComparison.Ordinal);

        // Every single character changed, in header, payload or signature: not valid.
        for (var i = 0; i < token.Length; i += 7)
        {
            if (token[i] == '.')
            {
                continue;
            }

            var flipped = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Null(CertificateSigner.Verify(flipped, keys));
        }

        var status = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{certificate.GetProperty("number").GetString()}/status");
        Assert.Equal("valid", status.GetProperty("status").GetString());
        Assert.Single(status.EnumerateObject());

        // Asked again for the same person and lockdown: the same certificate, not a second one.
        var again = await staff.PostAsJsonAsync("/api/v1/certificates", new { residentId = resident.Id, lockdownId = lockdown, kind = "sealed" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(certificate.GetProperty("id").GetGuid(), (await JsonAsync(again)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task ALockdownsResidentsGetTheirCertificatesInOneActionAndUnlockingSupersedesThem()
    {
        var commander = await app.ApiAsync("commander");
        var (lockdown, building) = await SealAsync("国定路400弄", 1);
        var bulk = await commander.PostAsync($"/api/v1/lockdowns/{lockdown}/certificates", null);
        Assert.Equal(HttpStatusCode.Created, bulk.StatusCode);
        var result = await JsonAsync(bulk);
        var residents = await app.DbAsync(db => db.Residents.CountAsync(r => r.BuildingId == building && r.Status != Cordon.Platform.People.ResidenceStatus.MovedOut));
        var issued = result.GetProperty("issued").GetInt32();
        Assert.True(issued > 0);
        Assert.Equal(residents, issued + result.GetProperty("skipped").GetArrayLength());
        var twice = await JsonAsync(await commander.PostAsync($"/api/v1/lockdowns/{lockdown}/certificates", null));
        Assert.Equal(0, twice.GetProperty("issued").GetInt32());
        Assert.Contains(twice.GetProperty("skipped").EnumerateArray(), s => s.GetProperty("reason").GetString() == "already_issued");

        var first = await app.DbAsync(db => db.Set<Certificate>().Where(c => c.LockdownId == lockdown).OrderBy(c => c.Number).FirstAsync());
        await app.DbAsync(async db =>
        {
            var l = await db.Set<Lockdown>().SingleAsync(x => x.Id == lockdown);
            (l.Status, l.UnlockedAt, l.UnlockedBy) = (LockdownStatus.Unlocked, DateTime.UtcNow, "commander");
            await db.SaveChangesAsync();
        });
        await app.Services.GetRequiredService<Cordon.Platform.Clock.DeadlineWatcher>().TickAsync(CancellationToken.None);

        var anonymous = app.CreateClient();
        Assert.Equal("superseded", (await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{first.Number}/status")).GetProperty("status").GetString());
        var next = await app.DbAsync(db => db.Set<Certificate>().SingleAsync(c => c.Id == first.SupersededById || (c.ResidentId == first.ResidentId && c.LockdownId == lockdown && c.Version == 2)));
        Assert.Equal(first.Number + "-2", next.Number);
        Assert.NotNull(next.To);
        var keys = await anonymous.GetFromJsonAsync<Jwks>("/.well-known/cordon/keys.json", new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal(next.To!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), CertificateSigner.Verify(next.Jws, keys!)!.Value.GetProperty("t").GetString());
        Assert.NotNull(CertificateSigner.Verify(first.Jws, keys!));

        var revoked = await commander.PostAsJsonAsync($"/api/v1/certificates/{next.Id}/revoke", new { reason = "居民已搬离，证明收回" });
        Assert.Equal("revoked", (await JsonAsync(revoked)).GetProperty("status").GetString());
        Assert.Equal("revoked", (await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{next.Number}/status")).GetProperty("status").GetString());
        Assert.Equal("certificate_reason_invalid", (await JsonAsync(await commander.PostAsJsonAsync($"/api/v1/certificates/{next.Id}/revoke", new { reason = "" }))).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/v1/certificates/JZ000000-0000/status")).StatusCode);
    }

    [Fact]
    public async Task VolunteersCannotIssueOutsideTheirJurisdictionAndBadInputIsRefusedByField()
    {
        var staff = await app.ApiAsync("staff");
        var volunteer = await app.ApiAsync("volunteer");
        var (lockdown, building) = await SealAsync("国定路400弄", 2);
        var outside = await app.DbAsync(db => db.Residents.Where(r => r.BuildingId == building).Select(r => r.Id).FirstAsync());
        var refused = await volunteer.PostAsJsonAsync("/api/v1/certificates", new { residentId = outside, lockdownId = lockdown, kind = "sealed" });
        Assert.Equal("certificate_resident_not_found", (await JsonAsync(refused)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await volunteer.PostAsync($"/api/v1/lockdowns/{lockdown}/certificates", null)).StatusCode);

        var inside = await app.DbAsync(db => db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == DemoData.BigCompound) && r.DocumentNumber != null)
            .OrderBy(r => r.Id).Select(r => r.Id).FirstAsync());
        var notSealed = await volunteer.PostAsJsonAsync("/api/v1/certificates", new { residentId = inside, lockdownId = lockdown, kind = "sealed" });
        Assert.Equal("lockdownId", (await JsonAsync(notSealed)).GetProperty("details").GetProperty("field").GetString());
        var monitoring = await volunteer.PostAsJsonAsync("/api/v1/certificates", new { residentId = inside, kind = "home_monitoring", from = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-3)) });
        Assert.Equal(HttpStatusCode.Created, monitoring.StatusCode);
        var kind = await volunteer.PostAsJsonAsync("/api/v1/certificates", new { residentId = inside, kind = "quarantine_hotel" });
        Assert.Equal("certificate_kind_invalid", (await JsonAsync(kind)).GetProperty("code").GetString());
        var period = await volunteer.PostAsJsonAsync("/api/v1/certificates", new { residentId = inside, kind = "home_isolation", from = "2026-11-20", to = "2026-11-10" });
        Assert.Equal("certificate_period_invalid", (await JsonAsync(period)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ApiAsync("sampler")).PostAsJsonAsync("/api/v1/certificates", new { residentId = inside, kind = "home_isolation" })).StatusCode);
    }

    [Fact]
    public async Task ThePdfStatesTheNameAndPeriodInChineseWithTheSameQr()
    {
        TestEnvironment.Require(CertificatePdf.FontAvailable(new CertificateOptions().FontFile), "The Chinese font fonts-lxgw-wenkai");
        var staff = await app.ApiAsync("staff");
        var resident = await app.DbAsync(db => db.Residents.Where(r => r.DocumentNumber != null && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == DemoData.BigCompound))
            .OrderBy(r => r.Id).Skip(20).FirstAsync());
        var certificate = await JsonAsync(await staff.PostAsJsonAsync("/api/v1/certificates", new { residentId = resident.Id, kind = "home_isolation", from = "2026-11-20", to = "2026-11-27" }));
        var pdf = await staff.GetAsync($"/api/v1/certificates/{certificate.GetProperty("id").GetGuid()}/pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        using var document = UglyToad.PdfPig.PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync());
        var text = string.Concat(document.GetPages().Select(p => p.Text));
        Assert.Contains(resident.Name, text, StringComparison.Ordinal);
        Assert.Contains("2026-11-20", text, StringComparison.Ordinal);
        Assert.Contains("2026-11-27", text, StringComparison.Ordinal);
        Assert.Contains("居家隔离", text, StringComparison.Ordinal);
        Assert.DoesNotContain(resident.DocumentNumber![..^4], text, StringComparison.Ordinal);
        Assert.Equal(1, document.NumberOfPages);
    }

    [Fact]
    public async Task StaffIssueFromTheResidentPageAndALockdownsPageIssuesForEveryone()
    {
        var (lockdown, building) = await SealAsync("国定路400弄", 3);
        var resident = await app.DbAsync(db => db.Residents.Where(r => r.BuildingId == building && r.DocumentNumber != null).OrderBy(r => r.Id).Select(r => r.Id).FirstAsync());
        var pages = await app.PagesAsync("staff");
        var person = await pages.PageAsync($"/Ledger/Residents/{resident}");
        var option = person.QuerySelector($"#cert-kind option[value='sealed:{lockdown}']");
        Assert.NotNull(option);
        var issued = await pages.SubmitAsync($"/Ledger/Residents/{resident}", new() { ["kind"] = $"sealed:{lockdown}" }, "form[action*='handler=Issue']");
        Assert.Equal(HttpStatusCode.Redirect, issued.StatusCode);
        var card = await pages.PageAsync(issued.Headers.Location!.OriginalString);
        Assert.NotNull(card.QuerySelector(".certificate-qr svg"));
        var number = card.QuerySelector("h1")!.TextContent.Trim().Split(' ')[0];
        Assert.StartsWith("JZ", number, StringComparison.Ordinal);

        var bulk = await pages.SubmitAsync($"/Lockdowns/Details?id={lockdown}", [], "form[action*='handler=Bulk']");
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        var list = await PageClient.ParseAsync(await bulk.Content.ReadAsStringAsync());
        Assert.Contains("已开具", list.QuerySelector(".alert.ok")!.TextContent, StringComparison.Ordinal);
        var residents = await app.DbAsync(db => db.Residents.CountAsync(r => r.BuildingId == building && r.DocumentNumber != null && r.Status != Cordon.Platform.People.ResidenceStatus.MovedOut));
        Assert.Equal(residents, await app.DbAsync(db => db.Set<Certificate>().CountAsync(c => c.LockdownId == lockdown && c.Status == CertificateStatus.Valid)));

        var revoked = await pages.SubmitAsync(issued.Headers.Location!.OriginalString, new() { ["reason"] = "信息有误，重新开具" }, "form[action*='handler=Revoke']");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal("revoked", (await app.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{number}/status")).GetProperty("status").GetString());
    }
}
