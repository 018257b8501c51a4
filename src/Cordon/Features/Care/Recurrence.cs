using System.Globalization;
using System.Text.RegularExpressions;

namespace Cordon.Features.Care;

/// <summary>
/// How often a need comes back: an ISO 8601 duration (<c>P3D</c>, <c>PT12H</c>, <c>P1W</c>) or an RFC 5545 rule of
/// the kinds a care plan needs (<c>FREQ=DAILY</c>, <c>FREQ=WEEKLY;BYDAY=MO,WE,FR</c>, with <c>INTERVAL</c>,
/// <c>COUNT</c>, <c>UNTIL</c>). Rules count in local time (Asia/Shanghai unless set): dialysis on Mondays at 07:00
/// stays at 07:00. The next occurrence follows the previous one's due time, not when it was confirmed.
/// </summary>
public sealed partial record Recurrence(string Text, TimeSpan? Every, string? Frequency, int Interval, IReadOnlySet<DayOfWeek> Days, int? Count, DateTime? Until)
{
    public static readonly TimeSpan Shortest = TimeSpan.FromHours(1);
    public static readonly TimeSpan Longest = TimeSpan.FromDays(92);

    private static readonly Dictionary<string, DayOfWeek> DayCodes = new(StringComparer.Ordinal)
    {
        ["MO"] = DayOfWeek.Monday,
        ["TU"] = DayOfWeek.Tuesday,
        ["WE"] = DayOfWeek.Wednesday,
        ["TH"] = DayOfWeek.Thursday,
        ["FR"] = DayOfWeek.Friday,
        ["SA"] = DayOfWeek.Saturday,
        ["SU"] = DayOfWeek.Sunday,
    };

    /// <summary>Null with no error for a one-off; otherwise the rule, or the part that is wrong.</summary>
    public static (Recurrence? Rule, string? Wrong) Parse(string? raw)
    {
        var text = raw?.Trim() ?? "";
        if (text.Length == 0)
        {
            return (null, null);
        }

        if (text.Length > 120)
        {
            return (null, "length");
        }

        if (text[0] is 'P' or 'p')
        {
            return ParseDuration(text.ToUpperInvariant());
        }

        if (text.StartsWith("RRULE:", StringComparison.OrdinalIgnoreCase))
        {
            text = text[6..];
        }

        string? freq = null;
        int interval = 1;
        int? count = null;
        DateTime? until = null;
        var days = new HashSet<DayOfWeek>();
        foreach (var part in text.ToUpperInvariant().Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                return (null, part);
            }

            switch (pair[0])
            {
                case "FREQ" when pair[1] is "DAILY" or "WEEKLY" && freq is null:
                    freq = pair[1];
                    break;
                case "INTERVAL" when int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 12:
                    interval = n;
                    break;
                case "COUNT" when int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 1000:
                    count = c;
                    break;
                case "UNTIL" when ParseUntil(pair[1]) is { } u:
                    until = u;
                    break;
                case "BYDAY":
                    foreach (var d in pair[1].Split(','))
                    {
                        if (!DayCodes.TryGetValue(d, out var day))
                        {
                            return (null, part);
                        }

                        days.Add(day);
                    }

                    break;
                case "WKST" when pair[1] == "MO":
                    break;
                default:
                    return (null, part);
            }
        }

        if (freq is null)
        {
            return (null, "FREQ");
        }

        var canonical = "FREQ=" + freq + (interval > 1 ? ";INTERVAL=" + interval.ToString(CultureInfo.InvariantCulture) : "")
            + (days.Count > 0 ? ";BYDAY=" + string.Join(',', DayCodes.Where(d => days.Contains(d.Value)).Select(d => d.Key)) : "")
            + (count is { } k ? ";COUNT=" + k.ToString(CultureInfo.InvariantCulture) : "")
            + (until is { } t ? ";UNTIL=" + t.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) : "");
        return (new Recurrence(canonical, null, freq, interval, days, count, until), null);
    }

    /// <summary>
    /// The due time after <paramref name="previous"/> (UTC), counting in <paramref name="zone"/>; null when the rule
    /// has run out (its COUNT reached with <paramref name="occurrence"/>, or past UNTIL).
    /// </summary>
    public DateTime? Next(DateTime previous, int occurrence, TimeZoneInfo zone)
    {
        if (Count is { } count && occurrence >= count)
        {
            return null;
        }

        DateTime next;
        if (Every is { } every)
        {
            next = previous + every;
        }
        else
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(previous, zone);
            var step = Frequency == "DAILY" && Days.Count == 0 ? Interval : 1;
            var candidate = local.AddDays(step);
            for (var i = 0; i < 7 * 13 && !Matches(local, candidate); i++)
            {
                candidate = candidate.AddDays(1);
            }

            next = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(candidate, DateTimeKind.Unspecified), zone);
        }

        return Until is { } until && next > until ? null : next;
    }

    private bool Matches(DateTime first, DateTime candidate)
    {
        if (Days.Count > 0 && !Days.Contains(candidate.DayOfWeek))
        {
            return false;
        }

        if (Frequency == "WEEKLY" && Days.Count == 0 && candidate.DayOfWeek != first.DayOfWeek)
        {
            return false;
        }

        if (Frequency == "WEEKLY" && Interval > 1)
        {
            var weeks = (WeekStart(candidate) - WeekStart(first)).Days / 7;
            return weeks % Interval == 0;
        }

        if (Frequency == "DAILY" && Days.Count > 0 && Interval > 1)
        {
            return (candidate.Date - first.Date).Days % Interval == 0;
        }

        return Frequency == "DAILY" || Days.Count > 0 || candidate.DayOfWeek == first.DayOfWeek;
    }

    private static DateTime WeekStart(DateTime day) => day.Date.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private static (Recurrence? Rule, string? Wrong) ParseDuration(string text)
    {
        var m = DurationPattern().Match(text);
        if (!m.Success || text == "P" || text.EndsWith('T'))
        {
            return (null, text);
        }

        int Part(int group) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var span = TimeSpan.FromDays((7 * Part(1)) + Part(2)) + TimeSpan.FromHours(Part(3)) + TimeSpan.FromMinutes(Part(4));
        return span < Shortest || span > Longest ? (null, text) : (new Recurrence(text, span, null, 1, new HashSet<DayOfWeek>(), null, null), null);
    }

    private static DateTime? ParseUntil(string value) =>
        DateTime.TryParseExact(value, ["yyyyMMdd", "yyyyMMdd'T'HHmmss'Z'", "yyyyMMdd'T'HHmmss"], CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? (value.Length == 8 ? at.AddDays(1).AddTicks(-1) : at)
            : null;

    [GeneratedRegex(@"^P(?:(\d{1,3})W)?(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?(?:(\d{1,5})M)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}

/// <summary>Recurrences as people say them (每3天, 每周一、三、五) and the ones the form offers.</summary>
public static class CarePlans
{
    public static readonly IReadOnlyList<string> Presets = ["P1D", "P3D", "P1W", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "PT12H"];

    private static readonly (DayOfWeek Day, string Key)[] DayKeys =
    [
        (DayOfWeek.Monday, "care.day.mo"), (DayOfWeek.Tuesday, "care.day.tu"), (DayOfWeek.Wednesday, "care.day.we"), (DayOfWeek.Thursday, "care.day.th"),
        (DayOfWeek.Friday, "care.day.fr"), (DayOfWeek.Saturday, "care.day.sa"), (DayOfWeek.Sunday, "care.day.su"),
    ];

    public static string Describe(string? text, Platform.Localization.Catalog catalog)
    {
        if (Recurrence.Parse(text).Rule is not { } rule)
        {
            return catalog.Text("care.once");
        }

        if (rule.Every is { } every)
        {
            return every.TotalDays >= 1 && every.Ticks % TimeSpan.TicksPerDay == 0
                ? (every.TotalDays % 7 == 0 ? Weeks((int)(every.TotalDays / 7)) : Days((int)every.TotalDays))
                : catalog.Text("care.every-hours", Math.Round(every.TotalHours, 1));
        }

        var days = string.Join(catalog.Text("care.day.separator"), DayKeys.Where(d => rule.Days.Contains(d.Day)).Select(d => catalog.Text(d.Key)));
        return (rule.Frequency, rule.Days.Count) switch
        {
            ("DAILY", 0) => Days(rule.Interval),
            (_, > 0) => rule.Interval == 1 ? catalog.Text("care.every-week-on", days) : catalog.Text("care.every-weeks-on", rule.Interval, days),
            _ => Weeks(rule.Interval),
        };

        string Days(int n) => n == 1 ? catalog.Text("care.every-day") : catalog.Text("care.every-days", n);
        string Weeks(int n) => n == 1 ? catalog.Text("care.every-week") : catalog.Text("care.every-weeks", n);
    }
}
