using Cordon.Platform.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cordon.Tests.Platform;

/// <summary>An overloaded database is a 503 the client repeats, never a 500 (the CI run that found it: "too many clients").</summary>
public sealed class DbErrorsTests
{
    [Fact]
    public void AnOverloadedDatabaseIsToldApartFromAFailure()
    {
        var tooMany = new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300");
        Assert.True(DbErrors.IsOverloaded(tooMany));
        Assert.True(DbErrors.IsOverloaded(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", tooMany)));
        Assert.True(DbErrors.IsOverloaded(new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03")));
        Assert.True(DbErrors.IsOverloaded(new NpgsqlException("The connection pool has been exhausted", new TimeoutException())));
        Assert.True(DbErrors.IsOverloaded(new SqliteException("database is locked", 5)));

        Assert.False(DbErrors.IsOverloaded(new PostgresException("duplicate key value", "ERROR", "ERROR", "23505")));
        Assert.False(DbErrors.IsOverloaded(new SqliteException("constraint failed", 19)));
        Assert.False(DbErrors.IsOverloaded(new InvalidOperationException("a bug")));
        Assert.False(DbErrors.IsOverloaded(null));
    }
}
