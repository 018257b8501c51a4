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
}
