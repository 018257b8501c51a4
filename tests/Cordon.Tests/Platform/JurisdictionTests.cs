using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cordon.Features.Demo;
using Cordon.Platform.Audit;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Tests.Platform;

public sealed partial class JurisdictionTests(DemoApp app)
{
    [Fact]
    public async Task VolunteerCannotSeeResidentsOutsideJurisdiction()
    {
        var outside = await ResidentInAsync(DemoData.OtherCompound);
        var volunteer = await app.ApiAsync("volunteer");

        var direct = await volunteer.GetAsync($"/api/v1/ledger/residents/{outside}");
        Assert.Equal(HttpStatusCode.NotFound, direct.StatusCode);

        var compounds = await volunteer.GetFromJsonAsync<List<JsonElement>>("/api/v1/ledger/compounds");
        Assert.Equal([DemoData.BigCompound], compounds!.Select(c => c.GetProperty("name").GetString()));

        var page = await volunteer.GetFromJsonAsync<JsonElement>("/api/v1/ledger/residents?page=1");
        var names = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("compound").GetString()).Distinct();
        Assert.Equal([DemoData.BigCompound], names);
    }

    [Fact]
    public async Task StaffSeeTheirNeighborhoodOnly()
    {
        var staff = await app.ApiAsync("staff");
        var compounds = await staff.GetFromJsonAsync<List<JsonElement>>("/api/v1/ledger/compounds");
        Assert.All(compounds!, c => Assert.Equal(DemoData.StaffNeighborhood, c.GetProperty("neighborhood").GetString()));
        Assert.Contains(compounds!, c => c.GetProperty("name").GetString() == DemoData.BigCompound);

        var outside = await ResidentInAsync(DemoData.OtherCompound);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/v1/ledger/residents/{outside}")).StatusCode);
    }

    [Fact]
    public async Task CommanderSeesTheWholeSubdistrict()
    {
        var commander = await app.ApiAsync("commander");
        var compounds = await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/ledger/compounds");
        Assert.Contains(compounds!, c => c.GetProperty("name").GetString() == DemoData.OtherCompound);
        Assert.Contains(compounds!, c => c.GetProperty("name").GetString() == DemoData.BigCompound);
        var outside = await ResidentInAsync(DemoData.OtherCompound);
        Assert.Equal(HttpStatusCode.OK, (await commander.GetAsync($"/api/v1/ledger/residents/{outside}")).StatusCode);
    }

    [Fact]
    public async Task IdNumberIsMaskedForVolunteers()
    {
        var volunteer = await app.ApiAsync("volunteer");
        var page = await volunteer.GetFromJsonAsync<JsonElement>("/api/v1/ledger/residents?page=1");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        var ids = items.Where(i => i.GetProperty("documentType").GetString() == "IdCard").Select(i => i.GetProperty("documentNumber").GetString()!).ToList();
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Matches(MaskedId(), id));
        var phones = items.Select(i => i.GetProperty("phone")).Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToList();
        Assert.NotEmpty(phones);
        Assert.All(phones, p => Assert.Matches(MaskedPhone(), p));
    }

    [Fact]
    public async Task StaffSeePhonesInFullButIdNumbersMasked()
    {
        var staff = await app.ApiAsync("staff");
        var page = await staff.GetFromJsonAsync<JsonElement>("/api/v1/ledger/residents?page=1");
        var items = page.GetProperty("items").EnumerateArray().ToList();
        var phones = items.Select(i => i.GetProperty("phone")).Where(p => p.ValueKind == JsonValueKind.String).Select(p => p.GetString()!).ToList();
        Assert.NotEmpty(phones);
        Assert.All(phones, p => Assert.Matches("^1[3-9][0-9]{9}$", p));
        Assert.All(items.Where(i => i.GetProperty("documentType").GetString() == "IdCard"), i => Assert.Matches(MaskedId(), i.GetProperty("documentNumber").GetString()!));
    }

    [Fact]
    public async Task RevealIsAudited()
    {
        var staff = await app.ApiAsync("staff");
        var page = await staff.GetFromJsonAsync<JsonElement>("/api/v1/ledger/residents?page=1");
        var target = page.GetProperty("items").EnumerateArray().First(i => i.GetProperty("documentType").GetString() == "IdCard");
        var id = target.GetProperty("id").GetGuid();
        var reason = "核对核酸登记信息 " + Guid.NewGuid().ToString("N")[..6];

        var response = await staff.PostAsJsonAsync($"/api/v1/ledger/residents/{id}/reveal", new { field = "documentNumber", reason });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var revealed = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value").GetString();
        var stored = await app.DbAsync(db => db.Residents.Where(r => r.Id == id).Select(r => r.DocumentNumber).SingleAsync());
        Assert.Equal(stored, revealed);

        var audit = await app.DbAsync(db => db.AuditLog.SingleAsync(a => a.Action == AuditAction.Reveal && a.Reason == reason));
        Assert.Equal("staff", audit.UserName);
        Assert.Equal(id.ToString(), audit.EntityId);
        Assert.DoesNotContain(stored!, audit.Changes ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevealNeedsAReasonAndChangesNothingWithoutOne()
    {
        var staff = await app.ApiAsync("staff");
        var page = await staff.GetFromJsonAsync<JsonElement>("/api/v1/ledger/residents?page=1");
        var id = page.GetProperty("items")[0].GetProperty("id").GetGuid();
        var before = await app.DbAsync(db => db.AuditLog.CountAsync(a => a.Action == AuditAction.Reveal && a.EntityId == id.ToString()));

        var response = await staff.PostAsJsonAsync($"/api/v1/ledger/residents/{id}/reveal", new { field = "documentNumber", reason = " " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("reveal_reason_missing", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("zh").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("en").GetString()));
        Assert.Equal(before, await app.DbAsync(db => db.AuditLog.CountAsync(a => a.Action == AuditAction.Reveal && a.EntityId == id.ToString())));
    }

    [Fact]
    public async Task VolunteerMayNotRevealAndTheRefusalIsAudited()
    {
        var volunteer = await app.ApiAsync("volunteer");
        var page = await volunteer.GetFromJsonAsync<JsonElement>("/api/v1/ledger/residents?page=1");
        var id = page.GetProperty("items")[0].GetProperty("id").GetGuid();

        var response = await volunteer.PostAsJsonAsync($"/api/v1/ledger/residents/{id}/reveal", new { field = "phone", reason = "想看看" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var denied = await app.DbAsync(db => db.AuditLog.AnyAsync(a => a.Action == AuditAction.AccessDenied && a.UserName == "volunteer" && a.Reason!.Contains(id.ToString())));
        Assert.True(denied);
    }

    [Fact]
    public async Task ASecondSubdistrictSeesNoneOfTheFirst()
    {
        var name = "other-" + Guid.NewGuid().ToString("N")[..6];
        await app.ScopeAsync(async s =>
        {
            var db = s.GetRequiredService<Cordon.Platform.Data.CordonDb>();
            var other = new Cordon.Platform.Data.Subdistrict { Name = "殷行街道", DivisionCode = "310110" };
            db.Subdistricts.Add(other);
            await db.SaveChangesAsync();
            var users = s.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Cordon.Platform.Auth.CordonUser>>();
            var user = new Cordon.Platform.Auth.CordonUser { UserName = name, DisplayName = name, SubdistrictId = other.Id };
            await users.CreateAsync(user, CordonApp.Password);
            await users.AddToRoleAsync(user, Cordon.Platform.Auth.Roles.Commander);
            return true;
        });

        var commander = await app.ApiAsync(name);
        Assert.Empty((await commander.GetFromJsonAsync<List<JsonElement>>("/api/v1/ledger/compounds"))!);
        var page = await commander.GetFromJsonAsync<JsonElement>("/api/v1/ledger/residents");
        Assert.Equal(0, page.GetProperty("total").GetInt32());
        var someone = await ResidentInAsync(DemoData.BigCompound);
        Assert.Equal(HttpStatusCode.NotFound, (await commander.GetAsync($"/api/v1/ledger/residents/{someone}")).StatusCode);
    }

    private Task<Guid> ResidentInAsync(string compound) => app.DbAsync(db =>
        db.Residents.Where(r => db.Compounds.Any(c => c.Id == r.CompoundId && c.Name == compound)).Select(r => r.Id).FirstAsync());

    [GeneratedRegex(@"^[1-9]\*{16}[0-9X]$")]
    private static partial Regex MaskedId();

    [GeneratedRegex(@"^1\*{7}[0-9]{3}$")]
    private static partial Regex MaskedPhone();
}
