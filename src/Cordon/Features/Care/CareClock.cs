using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Notifications;
using Cordon.Platform.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Care;

/// <summary>
/// A care task's deadline: at warning its owner is told (the neighborhood's leaders when it has none), when it is
/// overdue the owner again, a quarter window later the neighborhood's leaders. Alerts name the kind and the compound,
/// never the person.
/// </summary>
internal sealed class CareTaskSubject : IDeadlineSubject
{
    public string SubjectType => CareDesk.SubjectType;

    public Task<IReadOnlyList<DeadlineEvidence>> EvidenceAsync(CordonDb db, IReadOnlyList<Deadline> open, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DeadlineEvidence>>([]);

    public async Task<DeadlineAlertTarget> TargetAsync(CordonDb db, Deadline deadline, DeadlineState state, CancellationToken cancellationToken)
    {
        var task = await db.Set<CareTask>().IgnoreQueryFilters().AsNoTracking().Where(t => t.Id == deadline.SubjectId)
            .Select(t => new { t.OwnerId, t.NeighborhoodId }).SingleOrDefaultAsync(cancellationToken);
        List<string> owner = task?.OwnerId is { } o ? [o] : [];
        var users = state switch
        {
            DeadlineState.Warning or DeadlineState.Overdue when owner.Count > 0 => owner,
            _ => [.. owner, .. await LeadersAsync(db, deadline.SubdistrictId, task?.NeighborhoodId ?? Guid.Empty, cancellationToken)],
        };
        return new DeadlineAlertTarget(CareDesk.Link(deadline.SubjectId), new Audience(UserIds: users, Robot: false));
    }

    /// <summary>
    /// 居委负责人: the staff who keep the ledger of that neighborhood (an account limited to it that may edit the ledger);
    /// the commanders when the neighborhood has none.
    /// </summary>
    public static async Task<List<string>> LeadersAsync(CordonDb db, Guid subdistrictId, Guid neighborhoodId, CancellationToken cancellationToken)
    {
        var editors = (await db.PermissionHoldersAsync(subdistrictId, Permission.EditLedger, cancellationToken)).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var scoped = await db.Set<UserScope>().IgnoreQueryFilters().Where(s => s.SubdistrictId == subdistrictId && s.NeighborhoodId == neighborhoodId)
            .Select(s => s.UserId).Distinct().ToListAsync(cancellationToken);
        var leaders = scoped.Where(editors.Contains).ToList();
        return leaders.Count > 0 ? leaders : [.. (await db.PermissionHoldersAsync(subdistrictId, Permission.Command, cancellationToken)).Select(u => u.Id)];
    }
}

/// <summary>
/// At every tick: a task done but not confirmed in time comes back to its owner (with a new deadline), and a
/// confirmed (or skipped) task of a recurring plan makes the plan's next task, once.
/// </summary>
internal sealed class CareRounds(IOptions<CareOptions> options) : IClockJob
{
    public async Task RunAsync(IServiceProvider services, CordonDb db, DateTime now, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<Catalog>();
        var notifier = services.GetRequiredService<Notifier>();
        var zone = services.GetRequiredService<LocalTime>().Zone;
        var desk = services.GetRequiredService<CareDesk>();
        var late = now.AddHours(-Math.Max(1, options.Value.ConfirmHours));
        foreach (var id in await db.Set<CareTask>().IgnoreQueryFilters().Where(t => t.State == CareState.Done && t.DoneAt < late).Select(t => t.Id).Take(500).ToListAsync(cancellationToken))
        {
            var t = await db.Set<CareTask>().IgnoreQueryFilters().SingleAsync(x => x.Id == id, cancellationToken);
            t.State = t.OwnerId is null ? CareState.Requested : CareState.Assigned;
            t.Returned++;
            t.Version++;
            db.Set<CareEvent>().Add(new CareEvent { SubdistrictId = t.SubdistrictId, TaskId = t.Id, At = now, Kind = "returned", By = "clock" });
            await desk.AddDeadlineAsync(t, "due-" + t.Returned, now + CareDesk.Window(t.Kind), cancellationToken);
            if (t.OwnerId is { } owner)
            {
                var (zh, en) = catalog.Both("care.notify.returned", catalog.Both("care.kind." + CareDesk.Code(t.Kind)).Zh);
                await notifier.AddAsync(t.SubdistrictId, new Message($"care:{t.Id}:returned:{t.Returned}", $"{zh} / {en}", "", CareDesk.Link(t.Id)), new Audience(UserIds: [owner], Robot: false), cancellationToken);
            }

            await SaveAsync(db, cancellationToken);
        }

        foreach (var id in await db.Set<CareTask>().IgnoreQueryFilters()
            .Where(t => t.Recurrence != null && !t.NextMade && (t.State == CareState.Confirmed || t.State == CareState.Cancelled)).Select(t => t.Id).Take(500).ToListAsync(cancellationToken))
        {
            var t = await db.Set<CareTask>().IgnoreQueryFilters().SingleAsync(x => x.Id == id, cancellationToken);
            t.NextMade = true;
            t.Version++;
            var rule = Recurrence.Parse(t.Recurrence).Rule;
            if (rule?.Next(t.DueAt, t.Occurrence, zone) is { } due
                && await db.Residents.IgnoreQueryFilters().AnyAsync(r => r.Id == t.ResidentId && r.Status != Platform.People.ResidenceStatus.MovedOut, cancellationToken))
            {
                var next = new CareTask
                {
                    Id = Guid.CreateVersion7(),
                    SubdistrictId = t.SubdistrictId,
                    NeighborhoodId = t.NeighborhoodId,
                    CompoundId = t.CompoundId,
                    FlatId = t.FlatId,
                    ResidentId = t.ResidentId,
                    Kind = t.Kind,
                    DueAt = due,
                    Recurrence = t.Recurrence,
                    SeriesId = t.SeriesId,
                    Occurrence = t.Occurrence + 1,
                    State = t.OwnerId is null ? CareState.Requested : CareState.Assigned,
                    OwnerId = t.OwnerId,
                    OwnerName = t.OwnerName,
                    Note = t.Note,
                    Destination = t.Destination,
                    Source = "plan",
                    SourceId = t.SeriesId,
                    SourceLabel = t.SourceLabel,
                    SourceLink = t.SourceLink,
                    CreatedBy = "clock",
                    CreatedAt = now,
                };
                db.Set<CareTask>().Add(next);
                db.Set<CareEvent>().Add(new CareEvent { SubdistrictId = t.SubdistrictId, TaskId = next.Id, At = now, Kind = "planned", By = "clock", To = next.OwnerName });
                await desk.AddDeadlineAsync(next, "due", due, cancellationToken);
            }

            await SaveAsync(db, cancellationToken);
        }
    }

    private static async Task SaveAsync(CordonDb db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(e))
        {
            // A person changed the task meanwhile, or another node made the next one: the next tick sees the truth.
        }

        db.ChangeTracker.Clear();
    }
}
