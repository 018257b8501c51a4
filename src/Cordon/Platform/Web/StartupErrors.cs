using System.Net.Sockets;

namespace Cordon.Platform.Web;

/// <summary>Failures at start that are the operator's to fix, each as one line in Chinese and English.</summary>
internal static class StartupErrors
{
    public static string? Describe(Exception e) => e switch
    {
        Npgsql.NpgsqlException { InnerException: SocketException or TimeoutException } or SocketException
            => $"无法连接 PostgreSQL 数据库，请检查 ConnectionStrings:Cordon 和数据库服务。 Cannot reach the PostgreSQL database; check ConnectionStrings:Cordon and the database server. ({Inner(e).Message})",
        Npgsql.PostgresException postgres when postgres.SqlState is "28P01" or "28000" or "3D000"
            => $"PostgreSQL 拒绝了连接（用户、密码或数据库名不对）。 PostgreSQL refused the connection (user, password or database name): {postgres.MessageText}",
        Npgsql.NpgsqlException npgsql when npgsql.InnerException is null
            => $"无法连接 PostgreSQL 数据库。 Cannot reach the PostgreSQL database: {npgsql.Message}",
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 14 or 13 or 10 or 8 } sqlite
            => $"无法打开 SQLite 数据库文件（权限、磁盘或路径），请检查 Cordon:DataDirectory。 Cannot open the SQLite database file (permissions, disk or path); check Cordon:DataDirectory: {sqlite.Message}",
        TimeZoneNotFoundException
            => "Cordon:TimeZone 不是已知的时区（例如 Asia/Shanghai）。 Cordon:TimeZone is not a known time zone (e.g. Asia/Shanghai).",
        UnauthorizedAccessException access
            => $"没有权限访问数据目录，请检查 Cordon:DataDirectory 的所有者和权限。 No permission on the data directory; check the owner and mode of Cordon:DataDirectory: {access.Message}",
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => $"配置值格式不对。 A configuration value has the wrong format: {message}",
        _ when e.InnerException is { } inner && e is not Microsoft.Extensions.Hosting.HostAbortedException => Describe(inner),
        _ => null,
    };

    private static Exception Inner(Exception e) => e.InnerException ?? e;
}
