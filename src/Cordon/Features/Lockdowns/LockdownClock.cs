using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Notifications;
using Cordon.Platform.Screening;
using Cordon.Platform.Time;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>
/// What the clock needs to know about lockdowns: the first series round opening is the evidence of
/// <c>testing_started</c>; warnings and overdue go to those who run lockdowns and the robot, escalations to the
/// commanders and the robot.
/// </summary>
internal sealed class LockdownSubject(IScreening screening) : IDeadlineSubject
{
    public string SubjectType => LockdownDesk.SubjectType;

    public async Task<IReadOnlyList<DeadlineEvidence>> EvidenceAsync(CordonDb db, IReadOnlyList<Deadline> open, CancellationToken cancellationToken)
    {
        var testing = open.Where(d => d.Key == "testing_started").ToList();
        if (testing.Count == 0)
        {
            return [];
        }

        var ids = testing.Select(d => d.SubjectId).ToList();
        var series = (await db.Set<Lockdown>().IgnoreQueryFilters().Where(l => ids.Contains(l.Id) && l.SeriesId != null)
            .Select(l => new { l.Id, l.SeriesId }).ToListAsync(cancellationToken)).ToDictionary(l => l.Id, l => l.SeriesId!.Value);
        var opened = await screening.SeriesOpenedAsync(db, series.Values, cancellationToken);
        return [.. testing.Where(d => series.TryGetValue(d.SubjectId, out var s) && opened.ContainsKey(s))
            .Select(d => new DeadlineEvidence(d.Id, opened[series[d.SubjectId]], "testing", "第1轮已开始采样"))];
    }

    public Task<DeadlineAlertTarget> TargetAsync(CordonDb db, Deadline deadline, DeadlineState state, CancellationToken cancellationToken) =>
        Task.FromResult(new DeadlineAlertTarget(
            LockdownDesk.Link(deadline.SubjectId),
            new Audience(state == DeadlineState.Escalated ? Permission.Command : Permission.RunLockdowns)));
}

/// <summary>
/// At every tick: the unlock rule of each lockdown in force, stored for the board; a new positive in the sealed
/// buildings is written into the history and told (the count restarts), once.
/// </summary>
internal sealed class LockdownRefresh : IClockJob
{
    public async Task RunAsync(IServiceProvider services, CordonDb db, DateTime now, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<Catalog>();
        var time = services.GetRequiredService<LocalTime>();
        var notifier = services.GetRequiredService<Notifier>();
        var screening = services.GetRequiredService<IScreening>();
        var lockdowns = await db.Set<Lockdown>().IgnoreQueryFilters()
            .Where(l => l.Status == LockdownStatus.Ordered || l.Status == LockdownStatus.Active).OrderBy(l => l.ReceivedAt).Take(500).ToListAsync(cancellationToken);
        foreach (var lockdown in lockdowns)
        {
            var plan = await ResponsePlan.VersionAsync(db, lockdown.SubdistrictId, lockdown.PlanVersion, cancellationToken);
            var scope = await UnlockRule.ScopeAsync(db, lockdown, cancellationToken);
            var facts = await UnlockRule.FactsAsync(db, screening, lockdown, scope, plan.CleanRoundHours, cancellationToken);
            if (UnlockRule.Remember(lockdown, facts, now))
            {
                var note = catalog.Both("lockdowns.event.positive-note", time.Format(facts.LastPositiveAt), time.Format(facts.QuietUntil)).Zh;
                db.Set<LockdownEvent>().Add(new LockdownEvent { SubdistrictId = lockdown.SubdistrictId, LockdownId = lockdown.Id, At = now, Kind = "positive", By = "clock", Note = note });
                var (zh, en) = catalog.Both("lockdowns.notify.positive", lockdown.Name);
                await notifier.AddAsync(lockdown.SubdistrictId, new Message($"lockdown:{lockdown.Id}:positive:{facts.LastPositiveAt:O}", $"{zh} / {en}", note, LockdownDesk.Link(lockdown.Id)),
                    new Audience(Permission.Command), cancellationToken);
            }

            await TestingProgressAsync(db, screening, lockdown, scope, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The series round being sampled now (else the last opened), and how many sealed residents it has done.</summary>
    public static async Task TestingProgressAsync(CordonDb db, IScreening screening, Lockdown lockdown, BuildingScope scope, CancellationToken cancellationToken)
    {
        var progress = lockdown.SeriesId is { } series ? await screening.ProgressAsync(db, scope, series, cancellationToken) : null;
        lockdown.TestingRound = progress?.Round ?? "";
        lockdown.TestingDone = progress?.Done ?? 0;
        if (progress is not null)
        {
            lockdown.Residents = progress.Residents;
        }
    }
}
