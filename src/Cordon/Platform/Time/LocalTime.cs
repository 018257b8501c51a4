using Microsoft.Extensions.Options;

namespace Cordon.Platform.Time;

/// <summary>Shows stored UTC instants in the sub-district's zone (Asia/Shanghai unless configured).</summary>
public sealed class LocalTime(IOptions<CordonOptions> options, TimeProvider clock)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTime Now => ToLocal(clock.GetUtcNow().UtcDateTime);

    public DateOnly Today => DateOnly.FromDateTime(Now);

    public DateTime ToLocal(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    public DateTime ToUtc(DateTime local) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Zone);

    /// <summary>A time a client sent: with an offset (or Z) as it says; without one, local to the sub-district.</summary>
    public DateTime FromClient(DateTime value) => value.Kind == DateTimeKind.Unspecified ? ToUtc(value) : value.ToUniversalTime();

    public string Format(DateTime utc) => ToLocal(utc).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public string Format(DateTime? utc) => utc is { } value ? Format(value) : "";

    /// <summary>The local time now, as every time is shown ("as of" lines, the home page).</summary>
    public string FormatNow() => Format(clock.GetUtcNow().UtcDateTime);

    public string FormatSeconds(DateTime utc) => ToLocal(utc).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
