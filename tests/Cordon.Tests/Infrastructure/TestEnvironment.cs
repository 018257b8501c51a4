namespace Cordon.Tests.Infrastructure;

/// <summary>What the test run was asked to use. CI runs the suite once per database provider.</summary>
public static class TestEnvironment
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public static string Provider => Environment.GetEnvironmentVariable("CORDON_TEST_PROVIDER") is { Length: > 0 } p ? p : "Sqlite";

    /// <summary>A superuser connection used to create and drop a database per test app.</summary>
    public static string PostgresAdmin => Environment.GetEnvironmentVariable("CORDON_TEST_POSTGRES") is { Length: > 0 } cs
        ? cs
        : "Host=127.0.0.1;Port=5432;Username=postgres;Password=cordon;Timeout=3;Pooling=false";

    /// <summary>Skips locally when a real component is missing; fails under CI, where it must be there.</summary>
    public static void Require(bool available, string what)
    {
        if (available)
        {
            return;
        }

        if (IsCi)
        {
            Assert.Fail($"{what} is required when CI=true.");
        }

        Assert.Skip($"{what} is not available on this machine; set it up (see README) or run under CI=true to require it.");
    }
}
