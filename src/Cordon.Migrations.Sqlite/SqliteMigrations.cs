namespace Cordon.Migrations.Sqlite;

/// <summary>Marks the migrations of this assembly as Cordon's SQLite schema history.</summary>
public sealed class SqliteMigrations;
