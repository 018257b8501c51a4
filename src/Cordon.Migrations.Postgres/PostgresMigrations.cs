namespace Cordon.Migrations.Postgres;

/// <summary>Marks the migrations of this assembly as Cordon's PostgreSQL schema history.</summary>
public sealed class PostgresMigrations;
