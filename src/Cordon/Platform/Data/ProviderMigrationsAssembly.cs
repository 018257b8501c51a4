using System.Reflection;
using Cordon.Migrations.Postgres;
using Cordon.Migrations.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cordon.Platform.Data;

/// <summary>
/// Finds the migrations of the active provider in its own assembly. The migration assemblies cannot
/// reference the app (the app references them), so their migrations name a marker type instead of
/// the DbContext (docs/decisions/004).
/// </summary>
internal sealed class ProviderMigrationsAssembly(IDatabaseProvider provider, IMigrationsIdGenerator ids) : IMigrationsAssembly
{
    private IReadOnlyDictionary<string, TypeInfo>? _migrations;
    private ModelSnapshot? _snapshot;
    private bool _snapshotLoaded;

    public static Type MarkerFor(string providerName) => providerName switch
    {
        "Microsoft.EntityFrameworkCore.Sqlite" => typeof(SqliteMigrations),
        "Npgsql.EntityFrameworkCore.PostgreSQL" => typeof(PostgresMigrations),
        _ => throw new NotSupportedException($"No Cordon migrations for provider {providerName}."),
    };

    private Type Marker => MarkerFor(provider.Name);

    public Assembly Assembly => Marker.Assembly;

    public IReadOnlyDictionary<string, TypeInfo> Migrations => _migrations ??= Assembly.DefinedTypes
        .Where(t => t.IsSubclassOf(typeof(Migration)) && !t.IsAbstract && BelongsHere(t))
        .Select(t => (Id: t.GetCustomAttribute<MigrationAttribute>()?.Id, Type: t))
        .Where(m => m.Id is not null)
        .OrderBy(m => m.Id, StringComparer.Ordinal)
        .ToDictionary(m => m.Id!, m => m.Type);

    public ModelSnapshot? ModelSnapshot
    {
        get
        {
            if (!_snapshotLoaded)
            {
                var type = Assembly.DefinedTypes.FirstOrDefault(t => t.IsSubclassOf(typeof(ModelSnapshot)) && BelongsHere(t));
                _snapshot = type is null ? null : (ModelSnapshot)Activator.CreateInstance(type.AsType())!;
                _snapshotLoaded = true;
            }

            return _snapshot;
        }
    }

    public string? FindMigrationId(string nameOrId) => Migrations.Keys.FirstOrDefault(id =>
        string.Equals(id, nameOrId, StringComparison.OrdinalIgnoreCase)
        || string.Equals(ids.GetName(id), nameOrId, StringComparison.OrdinalIgnoreCase));

    public Migration CreateMigration(TypeInfo migrationClass, string activeProvider)
    {
        var migration = (Migration)Activator.CreateInstance(migrationClass.AsType())!;
        migration.ActiveProvider = activeProvider;
        return migration;
    }

    private bool BelongsHere(TypeInfo type) => type.GetCustomAttribute<DbContextAttribute>()?.ContextType == Marker;
}
