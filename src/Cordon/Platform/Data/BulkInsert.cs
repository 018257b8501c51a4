using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cordon.Platform.Data;

/// <summary>
/// Inserts many new rows of one entity in multi-row INSERT statements on the context's connection and
/// transaction, with EF's own column names, value converters and parameter types, so a bulk write
/// stores exactly what <c>SaveChanges</c> would. No change tracking, no per-row audit: callers that use
/// it write their own audit lines (the ledger import does, per resident, in bulk as well).
/// </summary>
public static class BulkInsert
{
    public static async Task BulkInsertAsync<T>(this CordonDb db, IReadOnlyList<T> rows, CancellationToken cancellationToken = default)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T)} is not mapped.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var properties = entityType.GetProperties().Where(p => p.GetColumnName(table) is not null).ToList();
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var target = sql.DelimitIdentifier(table.Name, table.Schema);
        var mappings = properties.Select(p => p.GetRelationalTypeMapping()).ToArray();
        var getters = properties.Select(p => p.GetGetter()).ToArray();
        var nullable = properties.Select(p => p.IsNullable).ToArray();

        if (db.Database.IsSqlite())
        {
            await SqliteAsync(db, rows, target, columns, mappings, getters, cancellationToken);
            return;
        }

        if (db.Database.IsNpgsql())
        {
            await CopyAsync(db, rows, target, columns, mappings, getters, cancellationToken);
            return;
        }

        var perStatement = Math.Max(1, 30_000 / properties.Count);

        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            DbCommand? full = null;
            try
            {
                for (var start = 0; start < rows.Count; start += perStatement)
                {
                    var count = Math.Min(perStatement, rows.Count - start);
                    if (count == perStatement && full is not null)
                    {
                        Fill(full, rows, start, count);
                        await full.ExecuteNonQueryAsync(cancellationToken);
                        continue;
                    }

                    var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = Text(target, columns, properties.Count, count);
                    var index = 0;
                    for (var r = start; r < start + count; r++)
                    {
                        for (var c = 0; c < mappings.Length; c++)
                        {
                            command.Parameters.Add(mappings[c].CreateParameter(command, "p" + index++, getters[c].GetClrValue(rows[r]), nullable[c]));
                        }
                    }

                    if (count == perStatement)
                    {
                        full = command;
                        await command.PrepareAsync(cancellationToken);
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }
                    else
                    {
                        await using (command)
                        {
                            await command.ExecuteNonQueryAsync(cancellationToken);
                        }
                    }
                }
            }
            finally
            {
                if (full is not null)
                {
                    await full.DisposeAsync();
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        void Fill(DbCommand command, IReadOnlyList<T> source, int start, int count)
        {
            var index = 0;
            for (var r = start; r < start + count; r++)
            {
                for (var c = 0; c < mappings.Length; c++)
                {
                    var value = getters[c].GetClrValue(source[r]);
                    if (value is not null && mappings[c].Converter is { } converter)
                    {
                        value = converter.ConvertToProvider(value);
                    }

                    command.Parameters[index++].Value = value ?? DBNull.Value;
                }
            }
        }
    }

    /// <summary>
    /// SQLite: one statement prepared once and stepped per row, values bound by position through the
    /// native API. Microsoft.Data.Sqlite binds by name on every execution, which costs more than the
    /// insert itself at this volume. Values are written in the same text forms it uses (checked by
    /// BulkWrittenRowsAreStoredExactlyAsEntityFrameworkWouldStoreThem).
    /// </summary>
    private static async Task SqliteAsync<T>(
        CordonDb db, IReadOnlyList<T> rows, string target, string columns, RelationalTypeMapping[] mappings,
        Microsoft.EntityFrameworkCore.Metadata.IClrPropertyGetter[] getters, CancellationToken cancellationToken)
        where T : class
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var handle = ((Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection()).Handle!;
            var values = string.Join(",", Enumerable.Range(1, mappings.Length).Select(i => "?" + i));
            Check(SQLitePCL.raw.sqlite3_prepare_v2(handle, $"INSERT INTO {target} ({columns}) VALUES ({values})", out var statement), handle);
            using (statement)
            {
                foreach (var row in rows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    for (var c = 0; c < mappings.Length; c++)
                    {
                        var value = getters[c].GetClrValue(row);
                        if (value is not null && mappings[c].Converter is { } converter)
                        {
                            value = converter.ConvertToProvider(value);
                        }

                        Check(Bind(statement, c + 1, value), handle);
                    }

                    var step = SQLitePCL.raw.sqlite3_step(statement);
                    if (step != SQLitePCL.raw.SQLITE_DONE)
                    {
                        Check(step, handle);
                    }

                    SQLitePCL.raw.sqlite3_reset(statement);
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>PostgreSQL: binary COPY on the context's connection (inside its transaction, if any).</summary>
    private static async Task CopyAsync<T>(
        CordonDb db, IReadOnlyList<T> rows, string target, string columns, RelationalTypeMapping[] mappings,
        Microsoft.EntityFrameworkCore.Metadata.IClrPropertyGetter[] getters, CancellationToken cancellationToken)
        where T : class
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
            await using var copy = await connection.BeginBinaryImportAsync($"COPY {target} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in rows)
            {
                await copy.StartRowAsync(cancellationToken);
                for (var c = 0; c < mappings.Length; c++)
                {
                    var value = getters[c].GetClrValue(row);
                    if (value is not null && mappings[c].Converter is { } converter)
                    {
                        value = converter.ConvertToProvider(value);
                    }

                    if (value is null)
                    {
                        await copy.WriteNullAsync(cancellationToken);
                    }
                    else
                    {
                        // Npgsql picks the PostgreSQL type from the value: Guid uuid, UTC DateTime timestamptz, DateOnly date…
                        await copy.WriteAsync(value, cancellationToken);
                    }
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static int Bind(SQLitePCL.sqlite3_stmt statement, int index, object? value) => value switch
    {
        null => SQLitePCL.raw.sqlite3_bind_null(statement, index),
        string text => SQLitePCL.raw.sqlite3_bind_text(statement, index, text),
        Guid guid => SQLitePCL.raw.sqlite3_bind_text(statement, index, guid.ToString().ToUpperInvariant()),
        DateTime time => SQLitePCL.raw.sqlite3_bind_text(statement, index, time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture)),
        DateOnly date => SQLitePCL.raw.sqlite3_bind_text(statement, index, date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        bool flag => SQLitePCL.raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
        int number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
        long number => SQLitePCL.raw.sqlite3_bind_int64(statement, index, number),
        double number => SQLitePCL.raw.sqlite3_bind_double(statement, index, number),
        Enum e => SQLitePCL.raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"Bulk insert cannot bind {value.GetType()}."),
    };

    private static void Check(int result, SQLitePCL.sqlite3 handle)
    {
        if (result is not (SQLitePCL.raw.SQLITE_OK or SQLitePCL.raw.SQLITE_DONE or SQLitePCL.raw.SQLITE_ROW))
        {
            throw new Microsoft.Data.Sqlite.SqliteException(SQLitePCL.raw.sqlite3_errmsg(handle).utf8_to_string(), result);
        }
    }

    private static string Text(string table, string columns, int width, int rows)
    {
        var text = new StringBuilder(64 + (rows * width * 6));
        text.Append("INSERT INTO ").Append(table).Append(" (").Append(columns).Append(") VALUES ");
        var index = 0;
        for (var r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ",(");
            for (var c = 0; c < width; c++)
            {
                text.Append(c == 0 ? "@p" : ",@p").Append(index++);
            }

            text.Append(')');
        }

        return text.ToString();
    }
}
