using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cordon.Platform.Data;

/// <summary>
/// Every instant is stored as UTC. SQLite hands DateTime back as Unspecified; PostgreSQL's timestamptz
/// refuses anything but UTC. Converting at the boundary keeps both honest.
/// </summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
