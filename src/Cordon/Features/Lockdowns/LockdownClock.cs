using Cordon.Features.Testing;
using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Notifications;
using Cordon.Platform.People;
using Cordon.Platform.Time;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>
/// What the clock needs to know about lockdowns: the first series round opening is the evidence of
/// <c>testing_started</c>; warnings and overdue go to those who run lockdowns and the robot, escalations to the
/// commanders and the robot.
/// </summary>
internal sealed class LockdownSubject : IDeadlineSubject
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
        var opened = await db.Set<Lockdown>().IgnoreQueryFilters().Where(l => ids.Contains(l.Id) && l.SeriesId != null)
            .Select(l => new
            {
                l.Id,
                Opened = db.Set<TestingRound>().IgnoreQueryFilters().Where(r => r.SeriesId == l.SeriesId && r.OpenedAt != null).Min(r => r.OpenedAt),
            })
            .ToListAsync(cancellationToken);
        var at = opened.Where(o => o.Opened is not null).ToDictionary(o => o.Id, o => o.Opened!.Value);
        return [.. testing.Where(d => at.ContainsKey(d.SubjectId)).Select(d => new DeadlineEvidence(d.Id, at[d.SubjectId], "testing", "第1轮已开始采样"))];
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
        var lockdowns = await db.Set<Lockdown>().IgnoreQueryFilters()
            .Where(l => l.Status == LockdownStatus.Ordered || l.Status == LockdownStatus.Active).OrderBy(l => l.ReceivedAt).Take(500).ToListAsync(cancellationToken);
        foreach (var lockdown in lockdowns)
        {
            var plan = await ResponsePlan.VersionAsync(db, lockdown.SubdistrictId, lockdown.PlanVersion, cancellationToken);
            var facts = await UnlockRule.FactsAsync(db, lockdown, plan.CleanRoundHours, cancellationToken);
            if (UnlockRule.Remember(lockdown, facts, now))
            {
                var note = catalog.Both("lockdowns.event.positive-note", time.Format(facts.LastPositiveAt), time.Format(facts.QuietUntil)).Zh;
                db.Set<LockdownEvent>().Add(new LockdownEvent { SubdistrictId = lockdown.SubdistrictId, LockdownId = lockdown.Id, At = now, Kind = "positive", By = "clock", Note = note });
                var (zh, en) = catalog.Both("lockdowns.notify.positive", lockdown.Name);
                await notifier.AddAsync(lockdown.SubdistrictId, new Message($"lockdown:{lockdown.Id}:positive:{facts.LastPositiveAt:O}", $"{zh} / {en}", note, LockdownDesk.Link(lockdown.Id)),
                    new Audience(Permission.Command), cancellationToken);
            }

            await TestingProgressAsync(db, lockdown, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The series round being sampled now (else the last opened), and how many sealed residents it has done.</summary>
    public static async Task TestingProgressAsync(CordonDb db, Lockdown lockdown, CancellationToken cancellationToken)
    {
        var round = await db.Set<TestingRound>().IgnoreQueryFilters().Where(r => r.SeriesId == lockdown.SeriesId && r.OpenedAt != null)
            .OrderByDescending(r => r.OpenedAt).Select(r => new { r.Id, r.Name }).FirstOrDefaultAsync(cancellationToken);
        if (round is null)
        {
            lockdown.TestingRound = "";
            lockdown.TestingDone = 0;
            return;
        }

        var sid = lockdown.SubdistrictId;
        var id = lockdown.Id;
        var sealedBuildings = await db.Set<LockdownBuilding>().IgnoreQueryFilters().Where(b => b.SubdistrictId == sid && b.LockdownId == id)
            .Select(b => new { b.BuildingId, b.CompoundId }).ToListAsync(cancellationToken);
        var sealedIds = sealedBuildings.Select(b => b.BuildingId).ToList();
        var compounds = sealedBuildings.Select(b => b.CompoundId).Distinct().ToList();
        var living = db.Residents.IgnoreQueryFilters()
            .Where(r => r.SubdistrictId == sid && compounds.Contains(r.CompoundId) && sealedIds.Contains(r.BuildingId) && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant));
        lockdown.Residents = await living.CountAsync(cancellationToken);
        lockdown.TestingRound = round.Name;
        lockdown.TestingDone = await living.CountAsync(
            r => db.Set<SampleRecord>().IgnoreQueryFilters().Any(s => s.RoundId == round.Id && s.ResidentId == r.Id)
                || db.Set<Exemption>().IgnoreQueryFilters().Any(e => e.RoundId == round.Id && e.ResidentId == r.Id), cancellationToken);
    }
}
