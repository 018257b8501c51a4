using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
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
                throw UnknownProvider(provider);
        }

        options.ReplaceService<IMigrationsAssembly, ProviderMigrationsAssembly>();
        options.ReplaceService<Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory, CallerModelCacheKeyFactory>();
    }

    private static Web.StartupRefusedException UnknownProvider(string provider) => new Web.StartupRefusedException($"Cordon:Database:Provider 只能是 {Sqlite} 或 {Postgres}，不能是“{provider}”。 Cordon:Database:Provider must be '{Sqlite}' or '{Postgres}', not '{provider}'.");

    public static IHostApplicationBuilder AddCordonDatabase(this IHostApplicationBuilder builder, string dataDirectory)
    {
        var provider = ProviderOf(builder.Configuration);
        if (provider is not (Sqlite or Postgres))
        {
            throw UnknownProvider(provider);
        }

        var configured = builder.Configuration.GetConnectionString("Cordon");
        var connectionString = provider == Sqlite ? SqliteConnectionString(dataDirectory, configured)
            : PostgresConnectionString(configured ?? throw new Web.StartupRefusedException("使用 PostgreSQL 时须设置 ConnectionStrings:Cordon。 ConnectionStrings:Cordon is required for PostgreSQL."));
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

        if (db.Database.IsNpgsql())
        {
            // Reach the server once without EF, so an unreachable database is one clear line (StartupErrors), not
            // EF's logged failure with its stack trace.
            await using var probe = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
            await probe.OpenAsync(cancellationToken);
        }

        // The history table first: otherwise the first start on an empty PostgreSQL database logs a failed
        // query for it (a "fail:" line an operator would chase) before EF creates it.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite() && !OperatingSystem.IsWindows())
        {
            // The database file and its journal: the service's own user only, whatever the umask.
            var path = Path.GetFullPath(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource);
            foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
    }
}
