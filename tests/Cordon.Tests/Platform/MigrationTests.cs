using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Cordon.Tests.Platform;

public sealed class MigrationTests
{
    [Fact]
    public async Task UpgradingRemovesIdNumbersThatOldConflictsKeptInClear()
    {
        await using var database = await TestDatabase.CreateAsync();
        var options = new DbContextOptionsBuilder<CordonDb>();
        DatabaseSetup.Configure(options, database.Provider, database.ConnectionString ?? DatabaseSetup.SqliteConnectionString(database.DataDirectory, null));
        var caller = new Caller(new HttpContextAccessor());
        caller.ActAsSystem("test");
        await using var db = new CordonDb(options.Options, caller, TimeProvider.System, new PeopleChanges());
        var migrator = db.GetService<IMigrator>();
        var before = db.GetService<IMigrationsAssembly>().Migrations.Keys.Single(k => k.EndsWith("_SyncConflicts", StringComparison.Ordinal));
        await migrator.MigrateAsync(before);

        // What the previous version stored for a refused offline sample typed by ID number.
        var id = Guid.NewGuid();
        var payload = "{\"Id\":\"" + id + "\",\"RoundId\":\"" + Guid.NewGuid() + "\",\"SamplingCode\":null,\"DocumentNumber\":\"310110199003070012\",\"TubeCode\":\"T1\"}";
        var postgres = database.Provider == "Postgres";
        object Key(Guid value) => postgres ? value : value.ToString().ToUpperInvariant();
        object at = postgres ? DateTime.UtcNow : "2026-11-30 01:00:00";
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"SyncConflicts\" (\"Id\", \"SubdistrictId\", \"RoundId\", \"SamplerName\", \"Payload\", \"Code\", \"Message\", \"CreatedAt\", \"Status\") VALUES ({0}, {1}, {2}, 'sampler', {3}, 'person_not_found', 'x', {4}, 'Open')",
            Key(id), Key(Guid.NewGuid()), Key(Guid.NewGuid()), payload, at);
        var changes = "{\"Payload\":[null," + System.Text.Json.JsonSerializer.Serialize(payload) + "],\"Code\":[null,\"person_not_found\"]}";
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"AuditLog\" (\"Id\", \"At\", \"UserName\", \"Action\", \"EntityType\", \"EntityId\", \"Changes\") VALUES ({0}, {1}, 'sampler', 'create', 'SyncConflict', {2}, {3})",
            Key(Guid.NewGuid()), at, id.ToString(), changes);

        await migrator.MigrateAsync();

        var conflict = await db.SyncConflicts.AsNoTracking().SingleAsync(c => c.Id == id);
        Assert.DoesNotContain("310110199003070012", conflict.Payload, StringComparison.Ordinal);
        Assert.Equal("3****************2", conflict.SubjectMasked);
        Assert.Equal("sampling", conflict.Feature);
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.EntityId == id.ToString()).Select(a => a.Changes).SingleAsync();
        Assert.DoesNotContain("310110199003070012", audit, StringComparison.Ordinal);
        Assert.Contains("person_not_found", audit, StringComparison.Ordinal);

        // And the audit log is append-only again.
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditLog\" SET \"UserName\" = 'x'"));
    }
}
