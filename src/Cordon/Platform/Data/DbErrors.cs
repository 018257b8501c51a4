using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Data;

public static class DbErrors
{
    /// <summary>A unique index said no: the row exists already (a retry, a race, a duplicate).</summary>
    public static bool IsUniqueViolation(Exception e) => e switch
    {
        DbUpdateException { InnerException: { } inner } => IsUniqueViolation(inner),
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19,
        Npgsql.PostgresException postgres => postgres.SqlState == "23505",
        _ => false,
    };

    /// <summary>
    /// The database cannot take more work right now (PostgreSQL out of connections or starting up, the connection pool
    /// exhausted, SQLite still locked after its busy timeout): the request may be repeated, so it is answered 503 with
    /// Retry-After, not 500.
    /// </summary>
    public static bool IsOverloaded(Exception? e) => e switch
    {
        null => false,
        Npgsql.PostgresException postgres => postgres.SqlState is "53300" or "57P03" || IsOverloaded(postgres.InnerException),
        Npgsql.NpgsqlException { InnerException: TimeoutException } => true,
        Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6,
        _ => IsOverloaded(e.InnerException),
    };
}
