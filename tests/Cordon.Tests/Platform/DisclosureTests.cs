using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cordon.Features.Demo;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Platform;

/// <summary>docs/decisions/009: what a masked role sees and asks, combined, leaves a million candidates or more.</summary>
public sealed class DisclosureTests(DemoApp app)
{
    [Fact]
    public async Task MaskedRolesSeeAnAgeInsteadOfTheBirthDate()
    {
        var (id, birth) = await AdultInBigCompoundAsync();
        var volunteer = await app.ApiAsync("volunteer");
        var item = await volunteer.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/residents/{id}");
        Assert.Equal(JsonValueKind.Null, item.GetProperty("birthDate").ValueKind);
        Assert.True(item.GetProperty("age").GetInt32() >= 18);

        var pages = await app.PagesAsync("volunteer");
        var html = await pages.Http.GetStringAsync($"/Ledger/Residents/{id}");
        Assert.DoesNotContain(birth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), html, StringComparison.Ordinal);
        Assert.DoesNotContain(birth.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), html, StringComparison.Ordinal);
        var flat = await app.DbAsync(db => db.Residents.Where(r => r.Id == id).Select(r => r.FlatId).SingleAsync());
        Assert.DoesNotContain(birth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), await pages.Http.GetStringAsync($"/Ledger/Flats/{flat}"), StringComparison.Ordinal);

        // A role that may reveal (its reveals are audited) keeps the date.
        var staff = await app.ApiAsync("staff");
        var full = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/residents/{id}");
        Assert.Equal(birth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), full.GetProperty("birthDate").GetString());
    }

    [Fact]
    public async Task MaskedRolesCannotSearchByIdNumbersOrPhoneNumbers()
    {
        var (id, _) = await AdultInBigCompoundAsync();
        var (document, phone) = await app.DbAsync(db => db.Residents.Where(r => r.Id == id).Select(r => new { r.DocumentNumber, r.Phone }).SingleAsync()) is var x ? (x.DocumentNumber!, x.Phone) : default;
        var volunteer = await app.ApiAsync("volunteer");

        // The probe's attack: the true number among candidates, asked one by one. The true one is refused like any other.
        foreach (var q in new[] { document, document[..6], document[6..14], phone ?? "13800000000" })
        {
            var response = await volunteer.GetAsync($"/api/v1/ledger/residents?q={q}");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("number_search_not_allowed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        // The page says what to search by instead, in Chinese.
        var pages = await app.PagesAsync("volunteer");
        var answer = await pages.SubmitAsync("/Ledger/Search", new() { ["q"] = document });
        var html = await answer.Content.ReadAsStringAsync();
        Assert.Contains("请按姓名、房号或地址搜索", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/Ledger/Residents/", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatAMaskedRoleSeesLeavesAMillionCandidatesOrMore()
    {
        var volunteer = await app.ApiAsync("volunteer");
        var page = await volunteer.GetFromJsonAsync<JsonElement>("/api/v1/ledger/residents?page=1");
        var people = page.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(people);
        foreach (var person in people)
        {
            if (person.GetProperty("documentType").GetString() == "IdCard")
            {
                var masked = person.GetProperty("documentNumber").GetString()!;
                var birthShown = person.GetProperty("birthDate").ValueKind != JsonValueKind.Null;

                // About 3,000 of the 10⁶ six-digit region codes are counties; each shown region digit divides them by
                // ten. The age leaves 366 birth dates (one if the date is shown), the sex 500 of 1,000 sequence numbers,
                // a shown check digit one in eleven of what is left.
                var regionShown = masked[..6].Count(c => c != '*');
                var candidates = 3_000 / Math.Pow(10, regionShown) * (birthShown ? 1 : 366) * 500 / (masked[^1] == '*' ? 1 : 11);
                Assert.True(candidates >= 1_000_000, $"{masked} with birth date shown={birthShown} leaves {candidates:N0} candidates");
            }

            if (person.GetProperty("phone").GetString() is { } phone)
            {
                // 1 and ten digits, the first of which is 3–9: 7 × 10⁹ numbers, a tenth fewer for each digit shown after the 1.
                var candidates = 7e9 / Math.Pow(10, phone.Skip(1).Count(char.IsAsciiDigit));
                Assert.True(candidates >= 1_000_000, $"{phone} leaves {candidates:N0} candidates");
            }
        }
    }

    [Fact]
    public async Task EverySearchThatReturnsPeopleIsAudited()
    {
        var pages = await app.PagesAsync("staff");
        var before = DateTime.UtcNow;
        var response = await pages.SubmitAsync("/Ledger/Search", new() { ["q"] = "王" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = await app.DbAsync(db => db.AuditLog.Where(a => a.Action == AuditAction.Search && a.UserName == "staff" && a.At >= before.AddSeconds(-1))
            .OrderByDescending(a => a.At).FirstOrDefaultAsync());
        Assert.NotNull(line);
        Assert.Contains("\"kind\":\"Name\"", line!.Changes, StringComparison.Ordinal);
        Assert.DoesNotContain("王", line.Changes, StringComparison.Ordinal);

        var api = await app.ApiAsync("staff");
        (await api.GetAsync("/api/v1/ledger/residents?page=2")).EnsureSuccessStatusCode();
        Assert.True(await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.Action == AuditAction.Read && a.EntityId == "resident-list" && a.UserName == "staff")));
    }

    [Fact]
    public async Task PageNumbersOutOfRangeAreRefusedNotPageOne()
    {
        var staff = await app.ApiAsync("staff");
        foreach (var page in new[] { 0, -3, 10_001 })
        {
            var response = await staff.GetAsync($"/api/v1/ledger/residents?page={page}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("page_out_of_range", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        var beyond = await staff.GetFromJsonAsync<JsonElement>("/api/v1/ledger/residents?page=9999");
        Assert.Empty(beyond.GetProperty("items").EnumerateArray());
        Assert.Equal(9999, beyond.GetProperty("page").GetInt32());
    }

    [Fact]
    public async Task SearchIsRateLimitedPerUserAndSaysWhenToTryAgain()
    {
        await using var limited = new CordonApp().With("Cordon:Search:Burst", "3").With("Cordon:Search:PerMinute", "1");
        await limited.InitializeAsync();
        var staff = await limited.ApiAsync("staff");
        for (var i = 0; i < 3; i++)
        {
            (await staff.GetAsync("/api/v1/ledger/residents?q=王")).EnsureSuccessStatusCode();
        }

        var refused = await staff.GetAsync("/api/v1/ledger/residents?q=李");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("too_many_requests", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // Another user's searches are not slowed by this one's.
        var volunteer = await limited.ApiAsync("volunteer");
        (await volunteer.GetAsync("/api/v1/ledger/residents?q=王")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task AdministratorsReadWhoChangedWhatButNotTheResidentsValues()
    {
        var (id, birth) = await AdultInBigCompoundAsync();
        var (name, subdistrict) = await app.DbAsync(db => db.Residents.Where(r => r.Id == id).Select(r => new { r.Name, r.SubdistrictId }).SingleAsync()) is var x ? (x.Name, x.SubdistrictId) : default;
        await app.DbAsync(async db =>
        {
            db.Audit(AuditAction.Update, nameof(Resident), id.ToString(), null, new Dictionary<string, string?[]>
            {
                ["Name"] = [name, name + "某"],
                ["BirthDate"] = [birth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "1901-01-01"],
                ["Notes"] = [null, "胰岛素每三天"],
            }).SubdistrictId = subdistrict;
            await db.SaveChangesAsync();
        });

        var admin = await app.PagesAsync("admin");
        var html = await admin.Http.GetStringAsync($"/Audit?EntityType=Resident&EntityId={id}");
        Assert.Contains("•••", html, StringComparison.Ordinal);
        Assert.DoesNotContain(name + "某", html, StringComparison.Ordinal);
        Assert.DoesNotContain("1901-01-01", html, StringComparison.Ordinal);
        Assert.DoesNotContain("胰岛素", html, StringComparison.Ordinal);

        // The commander, who may see residents and reveal, reads the values.
        var commander = await app.PagesAsync("commander");
        var full = await commander.Http.GetStringAsync($"/Audit?EntityType=Resident&EntityId={id}");
        Assert.Contains(name + "某", full, StringComparison.Ordinal);
        Assert.Contains("1901-01-01", full, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskedNumbersShowOnlyTheirEnds()
    {
        Assert.Equal("3****************2", Mask.IdNumber("310110199003070012"));
        Assert.Equal("1*******678", Mask.Phone("13812345678"));
        Assert.Equal("E*******9", Mask.IdNumber("E12345679"));
    }

    private Task<(Guid Id, DateOnly Birth)> AdultInBigCompoundAsync() => app.DbAsync(async db =>
    {
        var cutoff = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-20);
        var r = await db.Residents.Where(r => r.BirthDate != null && r.BirthDate < cutoff && r.DocumentType == DocumentType.IdCard && r.Phone != null
                && db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == DemoData.BigCompound))
            .OrderBy(r => r.Id).Select(r => new { r.Id, r.BirthDate }).FirstAsync();
        return (r.Id, r.BirthDate!.Value);
    });

}
