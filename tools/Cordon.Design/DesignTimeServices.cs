using Cordon.Migrations.Postgres;
using Cordon.Migrations.Sqlite;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.Extensions.DependencyInjection;

namespace Cordon.Design;

/// <summary>Makes <c>dotnet ef</c> write migrations that name the provider's marker type (docs/decisions/004).</summary>
internal sealed class DesignTimeServices : IDesignTimeServices
{
    public void ConfigureDesignTimeServices(IServiceCollection services) =>
        services.AddSingleton<IMigrationsCodeGenerator, MarkerMigrationsGenerator>();

    private sealed class MarkerMigrationsGenerator(
        MigrationsCodeGeneratorDependencies dependencies,
        CSharpMigrationsGeneratorDependencies csharpDependencies)
        : CSharpMigrationsGenerator(dependencies, csharpDependencies)
    {
        public override string GenerateMetadata(string? migrationNamespace, Type contextType, string migrationName, string migrationId, IModel targetModel) =>
            base.GenerateMetadata(migrationNamespace, MarkerFor(migrationNamespace), migrationName, migrationId, targetModel);

        public override string GenerateSnapshot(string? modelSnapshotNamespace, Type contextType, string modelSnapshotName, IModel model) =>
            base.GenerateSnapshot(modelSnapshotNamespace, MarkerFor(modelSnapshotNamespace), modelSnapshotName, model);

        private static Type MarkerFor(string? ns) =>
            ns?.StartsWith("Cordon.Migrations.Postgres", StringComparison.Ordinal) == true ? typeof(PostgresMigrations)
            : ns?.StartsWith("Cordon.Migrations.Sqlite", StringComparison.Ordinal) == true ? typeof(SqliteMigrations)
            : throw new InvalidOperationException($"Migrations belong in Cordon.Migrations.Sqlite or .Postgres, not {ns}.");
    }
}
