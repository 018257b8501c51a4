namespace Cordon.Features.Lockdowns;

/// <summary>A milestone drawn as a clock: its state at this moment, and the time left or over as a catalog key.</summary>
public static class MilestoneClock
{
    private static readonly string[] Order = ["open", "warning", "overdue", "escalated"];

    /// <summary>
    /// The state the page shows. The watcher moves the stored state on its tick; between ticks the page reads the
    /// milestone's own thresholds so a clock never shows "overdue" in amber. It never goes back behind the stored state.
    /// </summary>
    public static string StateAt(MilestoneView milestone, DateTime now)
    {
        if (milestone.State is "done" or "cancelled")
        {
            return milestone.State;
        }

        var byTime = now >= milestone.EscalateAt ? "escalated" : now >= milestone.DueAt ? "overdue" : now >= milestone.WarnAt ? "warning" : "open";
        return Array.IndexOf(Order, milestone.State) > Array.IndexOf(Order, byTime) ? milestone.State : byTime;
    }

    /// <summary>How long, in the largest sensible units: <c>12 分</c>, <c>2 时 5 分</c>, <c>3 天 4 时</c>.</summary>
    public static (string Key, object[] Args) Span(TimeSpan span)
    {
        var minutes = (int)Math.Max(0, Math.Ceiling(span.TotalMinutes));
        return minutes switch
        {
            < 60 => ("lockdowns.span.m", [minutes]),
            < 24 * 60 => ("lockdowns.span.hm", [minutes / 60, minutes % 60]),
            _ => ("lockdowns.span.dh", [minutes / (24 * 60), minutes % (24 * 60) / 60]),
        };
    }
}

/// <summary>What <c>_Clock.cshtml</c> draws.</summary>
public sealed record ClockView(MilestoneView Milestone, DateTime Now);
