using Microsoft.EntityFrameworkCore;

namespace Cordon.Migrations.Postgres;

/// <summary>
/// Marks the migrations of this assembly as Cordon's Postgres schema history. It is a DbContext only
/// because `dotnet ef` requires the type named in [DbContext] to be one; it is never instantiated
/// (pass `--context CordonDb`).
/// </summary>
public sealed class PostgresMigrations : DbContext;
