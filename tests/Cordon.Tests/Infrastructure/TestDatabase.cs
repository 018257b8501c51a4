using Npgsql;

namespace Cordon.Tests.Infrastructure;

/// <summary>A fresh, real database for one app instance: a temp folder for SQLite, a new database on PostgreSQL.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string provider, string dataDirectory, string? connectionString, string? databaseName)
    {
        Provider = provider;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        DatabaseName = databaseName;
    }

    public string Provider { get; }

    public string DataDirectory { get; }

    public string? ConnectionString { get; }

    public string? DatabaseName { get; }

    public static async Task<TestDatabase> CreateAsync(string? provider = null)
    {
        provider ??= TestEnvironment.Provider;
        var directory = Path.Combine(Path.GetTempPath(), "cordon-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (provider != "Postgres")
        {
            return new TestDatabase("Sqlite", directory, null, null);
        }

        var name = "cordon_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name, Pooling = true, Timeout = 15 };
        return new TestDatabase("Postgres", directory, builder.ConnectionString, name);
    }

    public static async Task<bool> PostgresAvailableAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
            await connection.OpenAsync();
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>Drops the PostgreSQL database at once, cutting every connection to it.</summary>
    public async Task DropAsync()
    {
        if (DatabaseName is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DropAsync();
        }
        catch (NpgsqlException)
        {
            // The server may be gone at the end of a run; the database is throwaway anyway.
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
