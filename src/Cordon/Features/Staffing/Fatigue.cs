namespace Cordon.Features.Staffing;

/// <summary>available, on duty, resting until …, over the limit (until …).</summary>
public enum DutyState
{
    Available,
    OnDuty,
    Resting,
    OverLimit,
}

/// <summary>One person's state under the rules, with the figures a commander weighs: hours in 24 h and 7 days, days in a row.</summary>
public sealed record FatigueStatus(DutyState State, DateTime? Until, double Hours24, double Hours7Days, int DaysInRow, string? Reason)
{
    /// <summary>Proposed by a call-up without an override.</summary>
    public bool Callable => State == DutyState.Available;

    /// <summary>On duty past the limit: must be relieved now.</summary>
    public bool MustRest => State == DutyState.OverLimit && Reason == Fatigue.HoursReason;
}

/// <summary>
/// The fatigue rules applied to one person's shifts (no more than <see cref="FatigueRules.MaxHoursIn24"/> hours in
/// any 24, <see cref="FatigueRules.MinRestHours"/> of rest between shifts, a day off after
/// <see cref="FatigueRules.MaxDaysInRow"/> days in a row). An open shift counts up to now.
/// </summary>
public static class Fatigue
{
    public const string HoursReason = "hours";
    public const string DaysReason = "days";

    /// <summary>How far back shifts matter: a week and a day (the longest rule plus the day off).</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(8);

    public static FatigueStatus Of(IReadOnlyCollection<(DateTime Start, DateTime? End)> shifts, FatigueRules rules, DateTime now, TimeZoneInfo zone)
    {
        var max = TimeSpan.FromHours(rules.MaxHoursIn24);
        var hours24 = Worked(shifts, now - TimeSpan.FromHours(24), now);
        var hours7 = Worked(shifts, now - TimeSpan.FromDays(7), now);
        var open = shifts.Any(s => s.End is null);
        var lastEnd = shifts.Where(s => s.End is not null).Select(s => s.End!.Value).DefaultIfEmpty().Max();
        var days = DaysInRow(shifts, open ? now : lastEnd, now, zone);
        var figures = (Hours: Math.Round(hours24.TotalHours, 1), Week: Math.Round(hours7.TotalHours, 1));
        if (open)
        {
            return hours24 >= max
                ? new FatigueStatus(DutyState.OverLimit, null, figures.Hours, figures.Week, days, HoursReason)
                : new FatigueStatus(DutyState.OnDuty, null, figures.Hours, figures.Week, days, null);
        }

        if (shifts.Count == 0)
        {
            return new FatigueStatus(DutyState.Available, null, 0, 0, 0, null);
        }

        var rested = lastEnd + TimeSpan.FromHours(rules.MinRestHours);
        if (hours24 >= max)
        {
            // Over the limit until the 24 hours behind drop under it, and never before the rest between shifts.
            var until = rested > now ? rested : now;
            while (Worked(shifts, until - TimeSpan.FromHours(24), until) >= max && until < now.AddDays(1))
            {
                until = until.AddMinutes(15);
            }

            return new FatigueStatus(DutyState.OverLimit, until, figures.Hours, figures.Week, days, HoursReason);
        }

        if (days >= rules.MaxDaysInRow)
        {
            // A whole local day off after the last day worked.
            var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(lastEnd, zone));
            var dayOffEnds = TimeZoneInfo.ConvertTimeToUtc(lastDay.AddDays(2).ToDateTime(TimeOnly.MinValue), zone);
            if (now < dayOffEnds)
            {
                return new FatigueStatus(DutyState.OverLimit, dayOffEnds, figures.Hours, figures.Week, days, DaysReason);
            }
        }

        return now < rested
            ? new FatigueStatus(DutyState.Resting, rested, figures.Hours, figures.Week, days, null)
            : new FatigueStatus(DutyState.Available, null, figures.Hours, figures.Week, days, null);
    }

    /// <summary>Time on duty within [from, to].</summary>
    public static TimeSpan Worked(IEnumerable<(DateTime Start, DateTime? End)> shifts, DateTime from, DateTime to)
    {
        var total = TimeSpan.Zero;
        foreach (var (start, end) in shifts)
        {
            var a = start > from ? start : from;
            var b = (end ?? to) < to ? end ?? to : to;
            if (b > a)
            {
                total += b - a;
            }
        }

        return total;
    }

    /// <summary>Consecutive local days with duty, counting back from the day of <paramref name="last"/>.</summary>
    private static int DaysInRow(IEnumerable<(DateTime Start, DateTime? End)> shifts, DateTime last, DateTime now, TimeZoneInfo zone)
    {
        if (last == default)
        {
            return 0;
        }

        var worked = new HashSet<DateOnly>();
        foreach (var (start, end) in shifts)
        {
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(start, zone));
            var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(end ?? now, zone));
            for (; day <= lastDay && worked.Count < 64; day = day.AddDays(1))
            {
                worked.Add(day);
            }
        }

        var count = 0;
        for (var d = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(last, zone)); worked.Contains(d); d = d.AddDays(-1))
        {
            count++;
        }

        return count;
    }
}
