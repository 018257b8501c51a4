using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Cordon.Platform.Data;

public static class DatabaseSetup
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    public static string ProviderOf(IConfiguration configuration) =>
        configuration[$"{CordonOptions.Section}:Database:Provider"] is { Length: > 0 } p ? p : Sqlite;

    /// <summary>The SQLite file in the data directory unless a connection string says otherwise.</summary>
    public static string SqliteConnectionString(string dataDirectory, string? configured) =>
        configured is { Length: > 0 } ? configured : new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "cordon.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

    /// <summary>
    /// PostgreSQL as configured, with statements that run often prepared on the server (unless the
    /// connection string says otherwise): the hot reads of registration and coverage then skip planning,
    /// which costs more than executing them.
    /// </summary>
    public static string PostgresConnectionString(string configured)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return configured;
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(configured) { MaxAutoPrepare = 64 }.ToString();
    }

    public static void Configure(DbContextOptionsBuilder options, string provider, string connectionString)
    {
        switch (provider)
        {
            case Sqlite:
                options.UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(Cordon.Migrations.Sqlite.SqliteMigrations).Assembly.GetName().Name));
                options.AddInterceptors(SqlitePragmas.Instance);
                break;
            case Postgres:
                options.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(Cordon.Migrations.Postgres.PostgresMigrations).Assembly.GetName().Name));
                break;
            default:
                throw new InvalidOperationException($"Cordon:Database:Provider must be '{Sqlite}' or '{Postgres}', not '{provider}'.");
        }

        options.ReplaceService<IMigrationsAssembly, ProviderMigrationsAssembly>();
        options.ReplaceService<Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory, CallerModelCacheKeyFactory>();
    }

    public static IHostApplicationBuilder AddCordonDatabase(this IHostApplicationBuilder builder, string dataDirectory)
    {
        var provider = ProviderOf(builder.Configuration);
        var configured = builder.Configuration.GetConnectionString("Cordon");
        var connectionString = provider == Sqlite ? SqliteConnectionString(dataDirectory, configured)
            : PostgresConnectionString(configured ?? throw new InvalidOperationException("ConnectionStrings:Cordon is required for PostgreSQL."));
        builder.Services.AddDbContext<CordonDb>(o => Configure(o, provider, connectionString));
        return builder;
    }

    /// <summary>Applies the provider's migrations; on SQLite switches the file to write-ahead logging.</summary>
    public static async Task MigrateAsync(CordonDb db, CancellationToken cancellationToken = default)
    {
        if (db.Database.IsSqlite())
        {
            var path = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
            {
                Directory.CreateDirectory(directory);
            }

            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        await db.Database.MigrateAsync(cancellationToken);
    }
}
