using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Platform.Clock;

/// <summary>Evidence that closes a deadline: who did it and when (a leader checked in, a round opened, packets printed).</summary>
public sealed record DeadlineEvidence(Guid DeadlineId, DateTime At, string By, string? Note = null);

/// <summary>Where an alert leads and who hears of it, for one state.</summary>
public sealed record DeadlineAlertTarget(string? Link, Audience Audience);

/// <summary>
/// A feature whose things have deadlines (a lockdown, later a request or a care task) tells the clock what closes
/// them and who is told when they run late; the clock knows no feature.
/// </summary>
public interface IDeadlineSubject
{
    string SubjectType { get; }

    /// <summary>Evidence for open deadlines of this type (read-only; the watcher closes them).</summary>
    Task<IReadOnlyList<DeadlineEvidence>> EvidenceAsync(CordonDb db, IReadOnlyList<Deadline> open, CancellationToken cancellationToken);

    Task<DeadlineAlertTarget> TargetAsync(CordonDb db, Deadline deadline, DeadlineState state, CancellationToken cancellationToken);
}

/// <summary>
/// Work a feature runs at every tick of the clock, on the node holding the clock's lease (a lockdown's unlock
/// eligibility recomputed after a new positive). Each job saves its own changes.
/// </summary>
public interface IClockJob
{
    Task RunAsync(IServiceProvider services, CordonDb db, DateTime now, CancellationToken cancellationToken);
}

public sealed class ClockOptions
{
    public const string Section = "Cordon:Clock";

    /// <summary>How often deadlines are looked at.</summary>
    public int TickSeconds { get; set; } = 15;

    /// <summary>Off: no timer runs (tests call <see cref="DeadlineWatcher.TickAsync"/> on a fake clock).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>This node's name in the leases (default: machine, process and a random suffix).</summary>
    public string? NodeName { get; set; }
}

/// <summary>
/// The one watcher of deadlines (docs/decisions/013): on one node at a time (a lease in the database), it closes what
/// evidence closes, moves the rest to the state of the clock (<see cref="TimeProvider"/>, so tests drive it), and
/// raises one alert per state change: an alert row, in-app messages and the robot, in the same transaction as the
/// move. A node that loses the race to move a deadline (its version changed) simply skips it.
/// </summary>
public sealed class DeadlineWatcher(
    IServiceScopeFactory scopes, IOptions<ClockOptions> options, TimeProvider clock, ILogger<DeadlineWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.TickSeconds)), clock);
        try
        {
            do
            {
                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Watching deadlines failed; it is tried again at the next tick");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over every open deadline; returns how many alerts it raised.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("clock");
        var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        if (!await Leases.TryTakeAsync(db, "clock", now, TimeSpan.FromSeconds(Math.Max(60, 4 * options.Value.TickSeconds)), cancellationToken, options.Value.NodeName))
        {
            return 0;
        }

        var open = await db.Set<Deadline>().Where(d => d.State != DeadlineState.Done && d.State != DeadlineState.Cancelled)
            .OrderBy(d => d.DueAt).Take(5000).ToListAsync(cancellationToken);
        var subjects = scope.ServiceProvider.GetServices<IDeadlineSubject>().ToDictionary(s => s.SubjectType, StringComparer.Ordinal);
        var raised = 0;
        foreach (var group in open.GroupBy(d => d.SubjectType))
        {
            if (!subjects.TryGetValue(group.Key, out var subject))
            {
                continue;
            }

            var evidence = (await subject.EvidenceAsync(db, [.. group], cancellationToken)).ToDictionary(e => e.DeadlineId);
            foreach (var deadline in group)
            {
                raised += await MoveAsync(scope.ServiceProvider, db, subject, deadline, evidence.GetValueOrDefault(deadline.Id), now, cancellationToken);
            }
        }

        foreach (var job in scope.ServiceProvider.GetServices<IClockJob>())
        {
            await job.RunAsync(scope.ServiceProvider, db, now, cancellationToken);
            db.ChangeTracker.Clear();
        }

        return raised;
    }

    /// <summary>Closes or advances one deadline in its own transaction with its alert; 1 when an alert was raised.</summary>
    private static async Task<int> MoveAsync(
        IServiceProvider services, CordonDb db, IDeadlineSubject subject, Deadline deadline, DeadlineEvidence? evidence, DateTime now, CancellationToken cancellationToken)
    {
        var raised = 0;
        if (evidence is not null)
        {
            deadline.Complete(evidence.At, evidence.By, evidence.Note);
            await CloseAlertsAsync(db, deadline.Id, now, cancellationToken);
        }
        else if (deadline.Advance(now))
        {
            await CloseAlertsAsync(db, deadline.Id, now, cancellationToken);
            await RaiseAsync(services, db, subject, deadline, now, cancellationToken);
            raised = 1;
        }
        else
        {
            return 0;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(e))
        {
            // Another node (or a person closing it by hand) got there first: nothing to do.
            raised = 0;
        }

        db.ChangeTracker.Clear();
        return raised;
    }

    /// <summary>The alert of a new state: the row, and messages to whom the subject says (in the caller's unit of work).</summary>
    public static async Task RaiseAsync(IServiceProvider services, CordonDb db, IDeadlineSubject subject, Deadline deadline, DateTime now, CancellationToken cancellationToken)
    {
        db.Set<Alert>().Add(new Alert
        {
            SubdistrictId = deadline.SubdistrictId,
            DeadlineId = deadline.Id,
            SubjectType = deadline.SubjectType,
            SubjectId = deadline.SubjectId,
            Key = deadline.Key,
            State = deadline.State,
            Title = deadline.Title,
            RaisedAt = now,
        });
        var target = await subject.TargetAsync(db, deadline, deadline.State, cancellationToken);
        var catalog = services.GetRequiredService<Localization.Catalog>();
        var (zh, en) = catalog.Both("clock.alert." + deadline.State.ToString().ToLowerInvariant(), deadline.Title);
        var time = services.GetRequiredService<Time.LocalTime>();
        var body = catalog.Both("clock.alert.due", time.Format(deadline.DueAt));
        await services.GetRequiredService<Notifier>().AddAsync(
            deadline.SubdistrictId,
            new Message($"deadline:{deadline.Id}:{deadline.State}", $"{zh} / {en}", $"{body.Zh} / {body.En}", target.Link),
            target.Audience,
            cancellationToken);
    }

    public static async Task CloseAlertsAsync(CordonDb db, Guid deadlineId, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var alert in await db.Set<Alert>().Where(a => a.DeadlineId == deadlineId && a.ClosedAt == null).ToListAsync(cancellationToken))
        {
            alert.ClosedAt = now;
        }
    }
}
