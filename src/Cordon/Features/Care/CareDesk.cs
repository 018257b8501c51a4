using Cordon.Platform.Auth;
using Cordon.Platform.Care;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Notifications;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Care;

public sealed record CareTaskCommand(Guid? Id, Guid? ResidentId, string? Kind, DateTime? DueAt, string? Recurrence, string? Note);

/// <summary>A trip's facts, given when they happen (at start: vehicle, driver, destination, departure; at done: the rest).</summary>
public sealed record TripCommand(string? Vehicle, string? Driver, string? Destination, DateTime? DepartedAt, DateTime? ArrivedAt, DateTime? ReturnedAt, string? HandedOverTo);

public sealed record TripView(string? Vehicle, string? Driver, string? Destination, DateTime? DepartedAt, DateTime? ArrivedAt, DateTime? ReturnedAt, string? HandedOverTo);

public sealed record CareEventView(DateTime At, string Kind, string By, string? To, string? Note);

public sealed record CareTaskView(
    Guid Id, Guid ResidentId, string Resident, Guid FlatId, string Address, Guid NeighborhoodId, string Kind, string State, DateTime DueAt, bool Overdue,
    string? Recurrence, Guid SeriesId, int Occurrence, string? Owner, string? OwnerId, string Note, string? Outcome, DateTime? DoneAt, DateTime? ConfirmedAt,
    string? ConfirmedVia, int Returned, TripView? Trip, string Source, string? SourceLabel, string? SourceLink, IReadOnlyList<CareEventView>? History, int Version);

public sealed record CareFailure(Error Error, string? Field, params object?[] Args);

public sealed class CareOptions
{
    public const string Section = "Cordon:Care";

    /// <summary>A task done but not confirmed by the resident or their family within this many hours comes back to its owner.</summary>
    public int ConfirmHours { get; set; } = 12;
}

public static class CareErrors
{
    public static readonly Error NotFound = new("care_task_not_found", StatusCodes.Status404NotFound);
    public static readonly Error IdReused = new("care_task_id_reused", StatusCodes.Status409Conflict);
    public static readonly Error ResidentNotFound = new("care_resident_not_found");
    public static readonly Error KindInvalid = new("care_kind_invalid");
    public static readonly Error DueInvalid = new("care_due_invalid");
    public static readonly Error RecurrenceInvalid = new("care_recurrence_invalid");
    public static readonly Error TextInvalid = new("care_text_invalid");
    public static readonly Error StateInvalid = new("care_state_invalid");
    public static readonly Error UserInvalid = new("care_user_invalid");
    public static readonly Error WrongState = new("care_task_wrong_state", StatusCodes.Status409Conflict);
    public static readonly Error TripIncomplete = new("care_trip_incomplete");
    public static readonly Error TimeInvalid = new("care_time_invalid");
    public static readonly Error ConfirmViaInvalid = new("care_confirm_via_invalid");
    public static readonly Error ConfirmNoteMissing = new("care_confirm_note_missing");
    public static readonly Error ReasonMissing = new("care_reason_missing");
    public static readonly Error Changed = new("care_task_changed", StatusCodes.Status409Conflict);
    public static readonly Error ContactInvalid = new("care_contact_invalid");
}

/// <summary>
/// Care tasks (issue 14): one thing for one resident, owned, due, done, and finished only when the resident or their
/// family confirms it. Every query goes through the jurisdiction filter of the resident's flat; a retry of any step
/// returns the state it reached the first time.
/// </summary>
public sealed class CareDesk(CordonDb db, Caller caller, Catalog catalog, LocalTime time, TimeProvider clock, Notifier notifier) : ICareTasks
{
    public const string SubjectType = "care-task";
    public const int MaxList = 300;

    public static readonly IReadOnlyList<string> Kinds = [.. Enum.GetValues<CareKind>().Select(Code)];

    public static readonly IReadOnlyList<string> States = [.. Enum.GetValues<CareState>().Select(Code)];

    public static readonly IReadOnlyList<string> ConfirmWays = ["phone", "household_page", "volunteer"];

    public static readonly IReadOnlyList<string> ContactChannels = ["phone", "visit", "household_page"];

    public static readonly IReadOnlyList<string> ContactOutcomes = ["well", "needs_help", "not_reached"];

    public static string Code(CareKind kind) => kind switch
    {
        CareKind.HomeSampling => "home_sampling",
        CareKind.CheckIn => "check_in",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string Code(CareState state) => state == CareState.InProgress ? "in_progress" : state.ToString().ToLowerInvariant();

    public static CareKind? ParseKind(string? code) => Enum.GetValues<CareKind>().Cast<CareKind?>().FirstOrDefault(k => Code(k!.Value) == code);

    public static CareState? ParseState(string? code) => Enum.GetValues<CareState>().Cast<CareState?>().FirstOrDefault(s => Code(s!.Value) == code);

    public static string Link(Guid id) => $"/Care/Task?id={id}";

    public static bool IsOpen(CareState state) => state is CareState.Requested or CareState.Assigned or CareState.InProgress;

    public static bool IsTrip(CareKind kind) => kind is CareKind.Hospital or CareKind.Transfer;

    /// <summary>How long before its due time a task turns to warning; a quarter of it after, the neighborhood's leader hears.</summary>
    public static TimeSpan Window(CareKind kind) => kind switch
    {
        CareKind.Meals or CareKind.Hospital or CareKind.Transfer => TimeSpan.FromHours(1),
        _ => TimeSpan.FromHours(2),
    };

    public IQueryable<CareTask> Visible() => db.Set<CareTask>();

    public Task<CareTask?> FindAsync(Guid id, CancellationToken cancellationToken) => Visible().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);

    /// <summary>201 with the new task, 200 with the first for the same id, or what is wrong (nothing stored).</summary>
    public async Task<(CareTask? Task, bool Created, CareFailure? Failure)> CreateAsync(
        CareTaskCommand body, string source, Guid? sourceId, string? sourceLabel, string? sourceLink, CancellationToken cancellationToken)
    {
        if (body.Id is { } clientId && await db.Set<CareTask>().IgnoreQueryFilters().AsNoTracking()
                .SingleOrDefaultAsync(t => t.Id == clientId && t.SubdistrictId == caller.SubdistrictId, cancellationToken) is { } first)
        {
            return await FindAsync(first.Id, cancellationToken) is { } mine && mine.ResidentId == body.ResidentId && Code(mine.Kind) == body.Kind
                ? (mine, false, null)
                : (null, false, new CareFailure(CareErrors.IdReused, "id"));
        }

        if (ParseKind(body.Kind) is not { } kind)
        {
            return (null, false, new CareFailure(CareErrors.KindInvalid, "kind"));
        }

        var (rule, wrong) = Recurrence.Parse(body.Recurrence);
        if (wrong is not null)
        {
            return (null, false, new CareFailure(CareErrors.RecurrenceInvalid, "recurrence", wrong));
        }

        var (note, noteOk) = Reasons.Note(body.Note, 500);
        if (!noteOk)
        {
            return (null, false, new CareFailure(CareErrors.TextInvalid, "note"));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var due = body.DueAt is { } at ? time.FromClient(at) : now;
        if (due < now.AddDays(-1) || due > now.AddDays(92))
        {
            return (null, false, new CareFailure(CareErrors.DueInvalid, "dueAt"));
        }

        if (body.ResidentId is not { } residentId
            || await db.Residents.AsNoTracking().Where(r => r.Id == residentId && r.Status != ResidenceStatus.MovedOut).SingleOrDefaultAsync(cancellationToken) is not { } resident)
        {
            return (null, false, new CareFailure(CareErrors.ResidentNotFound, "residentId"));
        }

        var id = body.Id ?? Guid.CreateVersion7();
        var task = new CareTask
        {
            Id = id,
            SubdistrictId = resident.SubdistrictId,
            NeighborhoodId = resident.NeighborhoodId,
            CompoundId = resident.CompoundId,
            FlatId = resident.FlatId,
            ResidentId = resident.Id,
            Kind = kind,
            DueAt = due,
            Recurrence = rule?.Text,
            SeriesId = id,
            State = CareState.Requested,
            Note = note,
            Source = source,
            SourceId = sourceId,
            SourceLabel = sourceLabel,
            SourceLink = sourceLink,
            CreatedBy = caller.UserName,
            CreatedAt = now,
        };
        db.Set<CareTask>().Add(task);
        db.Set<CareEvent>().Add(Event(task, "created", now, null, sourceLabel));
        await AddDeadlineAsync(task, "due", task.DueAt, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e) && body.Id is not null)
        {
            db.ChangeTracker.Clear();
            return await FindAsync(id, cancellationToken) is { } raced ? (raced, false, null) : (null, false, new CareFailure(CareErrors.IdReused, "id"));
        }

        db.ChangeTracker.Clear();
        return (task, true, null);
    }

    public async Task<(CareTaskRef? Task, Error? Error)> OrderAsync(CareOrder order, CancellationToken cancellationToken)
    {
        var known = await Visible().AsNoTracking()
            .Where(t => t.Source == order.Source && t.SourceId == order.SourceId && t.ResidentId == order.ResidentId && t.State != CareState.Cancelled)
            .ToListAsync(cancellationToken);
        if (known.FirstOrDefault(t => Code(t.Kind) == order.Kind) is { } same)
        {
            return (Ref(same), null);
        }

        var (task, _, failure) = await CreateAsync(new CareTaskCommand(null, order.ResidentId, order.Kind, order.DueAt, order.Recurrence, order.Note),
            order.Source, order.SourceId, order.SourceLabel, order.SourceLink, cancellationToken);
        return failure is not null ? (null, failure.Error) : (Ref(task!), null);
    }

    public async Task<IReadOnlyList<CareTaskRef>> ForSourceAsync(string source, Guid sourceId, CancellationToken cancellationToken) =>
        [.. (await Visible().AsNoTracking().Where(t => t.Source == source && t.SourceId == sourceId).OrderBy(t => t.DueAt).ToListAsync(cancellationToken)).Select(Ref)];

    public static readonly IReadOnlyList<CareState> OpenStates = [CareState.Requested, CareState.Assigned, CareState.InProgress];

    public async Task<List<CareTask>> ListAsync(IReadOnlyList<CareState>? states, bool overdue, bool mine, Guid? residentId, Guid? neighborhoodId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var query = Visible().AsNoTracking();
        if (states is { Count: > 0 })
        {
            query = query.Where(t => states.Contains(t.State));
        }

        if (overdue)
        {
            query = query.Where(t => (t.State == CareState.Requested || t.State == CareState.Assigned || t.State == CareState.InProgress) && t.DueAt < now);
        }

        if (mine)
        {
            var me = caller.UserId;
            query = query.Where(t => t.OwnerId == me);
        }

        if (residentId is { } r)
        {
            query = query.Where(t => t.ResidentId == r);
        }

        if (neighborhoodId is { } n)
        {
            query = query.Where(t => t.NeighborhoodId == n);
        }

        var finished = states is { Count: > 0 } && states.All(s => s is CareState.Confirmed or CareState.Cancelled);
        var list = await (finished ? query.OrderByDescending(t => t.DueAt) : query.OrderBy(t => t.DueAt)).Take(MaxList).ToListAsync(cancellationToken);
        await db.AuditReadAsync("care-tasks", new { states, overdue, mine, residentId, neighborhoodId }, list.Count, cancellationToken);
        return list;
    }

    public async Task<List<CareTaskView>> ViewsAsync(IReadOnlyList<CareTask> tasks, bool history, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var places = await db.FlatAddressesAsync([.. tasks.Select(t => t.FlatId).Distinct()], cancellationToken);
        var residentIds = tasks.Select(t => t.ResidentId).Distinct().ToList();
        var names = await db.Residents.AsNoTracking().Where(r => residentIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
        var ids = tasks.Select(t => t.Id).ToList();
        var events = history
            ? (await db.Set<CareEvent>().AsNoTracking().Where(e => ids.Contains(e.TaskId)).OrderBy(e => e.At).ToListAsync(cancellationToken)).ToLookup(e => e.TaskId)
            : null;
        return [.. tasks.Select(t => new CareTaskView(
            t.Id, t.ResidentId, names.GetValueOrDefault(t.ResidentId, "—"), t.FlatId, places.GetValueOrDefault(t.FlatId, "—"), t.NeighborhoodId, Code(t.Kind), Code(t.State),
            t.DueAt, IsOpen(t.State) && t.DueAt < now, t.Recurrence, t.SeriesId, t.Occurrence, t.OwnerName, t.OwnerId, t.Note, t.Outcome, t.DoneAt, t.ConfirmedAt,
            t.ConfirmedVia, t.Returned,
            IsTrip(t.Kind) || t.Vehicle is not null ? new TripView(t.Vehicle, t.Driver, t.Destination, t.DepartedAt, t.ArrivedAt, t.ReturnedAt, t.HandedOverTo) : null,
            t.Source, t.SourceLabel, t.SourceLink,
            events is null ? null : [.. events[t.Id].Select(e => new CareEventView(e.At, e.Kind, e.By, e.To, e.Note))],
            t.Version))];
    }

    /// <summary>Gives the task to someone who may care for residents there (the caller when <paramref name="userId"/> is null), and tells them.</summary>
    public async Task<CareFailure?> AssignAsync(CareTask t, string? userId, CancellationToken cancellationToken)
    {
        if (!IsOpen(t.State))
        {
            return WrongState(t);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var (id, name) = (caller.UserId, await MyNameAsync(cancellationToken));
        if (userId is not null && userId != caller.UserId)
        {
            if ((await CareUsersAsync(t.NeighborhoodId, t.CompoundId, cancellationToken)).SingleOrDefault(u => u.Id == userId) is not { } user)
            {
                return new CareFailure(CareErrors.UserInvalid, "userId");
            }

            (id, name) = (user.Id, user.Name);
        }

        if (t.OwnerId == id && t.State != CareState.Requested)
        {
            return null;
        }

        (t.OwnerId, t.OwnerName) = (id, name);
        if (t.State == CareState.Requested)
        {
            t.State = CareState.Assigned;
        }

        db.Set<CareEvent>().Add(Event(t, "assigned", now, name));
        if (id != caller.UserId && id is not null)
        {
            var (zh, en) = catalog.Both("care.notify.assigned", catalog.Both("care.kind." + Code(t.Kind)).Zh, time.Format(t.DueAt));
            await notifier.AddAsync(t.SubdistrictId, new Message($"care:{t.Id}:assigned:{now.Ticks}", $"{zh} / {en}", "", Link(t.Id)), new Audience(UserIds: [id], Robot: false), cancellationToken);
        }

        return await SaveAsync(t, cancellationToken);
    }

    /// <summary>On the way: a trip records its vehicle, driver, destination and departure here (or at done).</summary>
    public async Task<CareFailure?> StartAsync(CareTask t, TripCommand? trip, CancellationToken cancellationToken)
    {
        if (t.State == CareState.InProgress && trip is null)
        {
            return null;
        }

        if (t.State is not (CareState.Requested or CareState.Assigned or CareState.InProgress))
        {
            return WrongState(t);
        }

        if (Trip(t, trip) is { } bad)
        {
            db.ChangeTracker.Clear();
            return bad;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await TakeIfUnownedAsync(t, cancellationToken);
        if (t.State != CareState.InProgress)
        {
            (t.State, t.StartedAt) = (CareState.InProgress, now);
            db.Set<CareEvent>().Add(Event(t, "started", now, null, TripNote(t)));
        }
        else
        {
            db.Set<CareEvent>().Add(Event(t, "trip", now, null, TripNote(t)));
        }

        return await SaveAsync(t, cancellationToken);
    }

    /// <summary>Done, with what was done; a hospital visit or transfer needs its whole trip. Waits for the resident's confirmation.</summary>
    public async Task<CareFailure?> DoneAsync(CareTask t, string? outcome, TripCommand? trip, CancellationToken cancellationToken)
    {
        if (t.State is CareState.Done or CareState.Confirmed)
        {
            return null;
        }

        if (!IsOpen(t.State))
        {
            return WrongState(t);
        }

        var (text, ok) = Reasons.Note(outcome, 500);
        if (!ok)
        {
            return new CareFailure(CareErrors.TextInvalid, "outcome");
        }

        if (Trip(t, trip) is { } bad)
        {
            db.ChangeTracker.Clear();
            return bad;
        }

        if (IsTrip(t.Kind) && MissingTrip(t) is { } missing)
        {
            db.ChangeTracker.Clear();
            return new CareFailure(CareErrors.TripIncomplete, missing, missing);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await TakeIfUnownedAsync(t, cancellationToken);
        (t.State, t.DoneAt, t.DoneBy, t.Outcome) = (CareState.Done, now, caller.UserName, text.Length > 0 ? text : t.Outcome);
        db.Set<CareEvent>().Add(Event(t, "done", now, null, text.Length > 0 ? text : null));
        await CloseDeadlinesAsync(t, now, cancel: false, cancellationToken);
        return await SaveAsync(t, cancellationToken);
    }

    /// <summary>The resident or their family says it was done: by phone, on the household page, or to the volunteer (with a note).</summary>
    public async Task<CareFailure?> ConfirmAsync(CareTask t, string? via, string? note, CancellationToken cancellationToken)
    {
        if (t.State == CareState.Confirmed)
        {
            return null;
        }

        if (t.State == CareState.Cancelled)
        {
            return WrongState(t);
        }

        var way = via ?? "phone";
        if (!ConfirmWays.Contains(way))
        {
            return new CareFailure(CareErrors.ConfirmViaInvalid, "via");
        }

        var (text, ok) = Reasons.Note(note, 300);
        if (!ok)
        {
            return new CareFailure(CareErrors.TextInvalid, "note");
        }

        if (way == "volunteer" && text.Length == 0)
        {
            return new CareFailure(CareErrors.ConfirmNoteMissing, "note");
        }

        if (IsTrip(t.Kind) && t.State != CareState.Done && MissingTrip(t) is { } missing)
        {
            return new CareFailure(CareErrors.TripIncomplete, missing, missing);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (t.State != CareState.Done)
        {
            await TakeIfUnownedAsync(t, cancellationToken);
            (t.DoneAt, t.DoneBy) = (now, caller.UserName);
            db.Set<CareEvent>().Add(Event(t, "done", now, null, null));
            await CloseDeadlinesAsync(t, now, cancel: false, cancellationToken);
        }

        (t.State, t.ConfirmedAt, t.ConfirmedVia, t.ConfirmedBy) = (CareState.Confirmed, now, way, caller.UserName);
        db.Set<CareEvent>().Add(Event(t, "confirmed", now, way, text.Length > 0 ? text : null));
        return await SaveAsync(t, cancellationToken);
    }

    /// <summary>No longer needed, with a reason; <paramref name="stopPlan"/> ends a recurring plan too (otherwise its next task still comes).</summary>
    public async Task<CareFailure?> CancelAsync(CareTask t, string? reason, bool stopPlan, CancellationToken cancellationToken)
    {
        if (t.State == CareState.Cancelled)
        {
            return null;
        }

        if (t.State == CareState.Confirmed)
        {
            return WrongState(t);
        }

        var (text, ok) = Reasons.Check(reason, 300);
        if (!ok || text.Length == 0)
        {
            return new CareFailure(CareErrors.ReasonMissing, "reason");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        t.State = CareState.Cancelled;
        t.NextMade |= stopPlan;
        db.Set<CareEvent>().Add(Event(t, stopPlan && t.Recurrence is not null ? "plan_stopped" : "cancelled", now, null, text));
        await CloseDeadlinesAsync(t, now, cancel: true, cancellationToken);
        return await SaveAsync(t, cancellationToken);
    }

    /// <summary>Active accounts that may care for residents in the place (a scope covering it, or the whole sub-district): whom a task can go to.</summary>
    public async Task<List<Holder>> CareUsersAsync(Guid neighborhoodId, Guid compoundId, CancellationToken cancellationToken)
    {
        var holders = await db.PermissionHoldersAsync(caller.SubdistrictId, Permission.ProvideCare, cancellationToken);
        var scopes = (await db.Set<UserScope>().AsNoTracking().Where(s => s.SubdistrictId == caller.SubdistrictId).ToListAsync(cancellationToken)).ToLookup(s => s.UserId);
        return [.. holders.Where(h => !scopes[h.Id].Any() || scopes[h.Id].Any(s => s.NeighborhoodId == neighborhoodId || s.CompoundId == compoundId))];
    }

    /// <summary>A deadline of the task on the Platform clock: warning a window before it is due, the leader a quarter window after.</summary>
    public async Task AddDeadlineAsync(CareTask t, string key, DateTime due, CancellationToken cancellationToken)
    {
        var compound = await db.Compounds.IgnoreQueryFilters().Where(c => c.Id == t.CompoundId && c.SubdistrictId == t.SubdistrictId).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken) ?? "";
        var window = Window(t.Kind);
        db.Set<Deadline>().Add(Deadline.Create(t.SubdistrictId, SubjectType, t.Id, key, $"{catalog.Both("care.kind." + Code(t.Kind)).Zh} · {compound}", due - window, window));
    }

    private async Task CloseDeadlinesAsync(CareTask t, DateTime now, bool cancel, CancellationToken cancellationToken)
    {
        foreach (var deadline in await db.Set<Deadline>().Where(d => d.SubjectType == SubjectType && d.SubjectId == t.Id && d.State != DeadlineState.Done && d.State != DeadlineState.Cancelled).ToListAsync(cancellationToken))
        {
            _ = cancel ? deadline.Cancel(now, caller.UserName) : deadline.Complete(now, caller.UserName, null);
            await DeadlineWatcher.CloseAlertsAsync(db, deadline.Id, now, cancellationToken);
        }
    }

    private async Task TakeIfUnownedAsync(CareTask t, CancellationToken cancellationToken)
    {
        if (t.OwnerId is null)
        {
            (t.OwnerId, t.OwnerName) = (caller.UserId, await MyNameAsync(cancellationToken));
        }
    }

    /// <summary>The caller as others see them on a task (居委干部 李干部), as <see cref="CareUsersAsync"/> names everyone.</summary>
    private async Task<string> MyNameAsync(CancellationToken cancellationToken) =>
        await db.Users.Where(u => u.Id == caller.UserId).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken) is { Length: > 0 } display ? display : caller.UserName;

    private CareFailure? Trip(CareTask t, TripCommand? trip)
    {
        if (trip is null)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (field, value, max) in new[] { ("vehicle", trip.Vehicle, 32), ("driver", trip.Driver, 64), ("destination", trip.Destination, 100), ("handedOverTo", trip.HandedOverTo, 64) })
        {
            var (text, ok) = Reasons.Note(value, max);
            if (!ok)
            {
                return new CareFailure(CareErrors.TextInvalid, field);
            }

            if (text.Length == 0)
            {
                continue;
            }

            _ = field switch
            {
                "vehicle" => t.Vehicle = text,
                "driver" => t.Driver = text,
                "destination" => t.Destination = text,
                _ => t.HandedOverTo = text,
            };
        }

        foreach (var (field, value) in new[] { ("departedAt", trip.DepartedAt), ("arrivedAt", trip.ArrivedAt), ("returnedAt", trip.ReturnedAt) })
        {
            if (value is not { } raw)
            {
                continue;
            }

            var at = time.FromClient(raw);
            if (at > now.AddMinutes(5) || at < t.CreatedAt.AddDays(-1))
            {
                return new CareFailure(CareErrors.TimeInvalid, field);
            }

            _ = field switch
            {
                "departedAt" => t.DepartedAt = at,
                "arrivedAt" => t.ArrivedAt = at,
                _ => t.ReturnedAt = at,
            };
        }

        return t.ArrivedAt < t.DepartedAt ? new CareFailure(CareErrors.TimeInvalid, "arrivedAt")
            : t.ReturnedAt < t.ArrivedAt ? new CareFailure(CareErrors.TimeInvalid, "returnedAt")
            : null;
    }

    /// <summary>The first fact a finished trip lacks: a hospital visit comes back, a transfer stays.</summary>
    private static string? MissingTrip(CareTask t) =>
        t.Vehicle is null ? "vehicle"
        : t.Driver is null ? "driver"
        : t.DepartedAt is null ? "departedAt"
        : t.ArrivedAt is null ? "arrivedAt"
        : t.HandedOverTo is null ? "handedOverTo"
        : t.Kind == CareKind.Hospital && t.ReturnedAt is null ? "returnedAt"
        : null;

    private string? TripNote(CareTask t) =>
        t.Vehicle is null && t.Driver is null && t.DepartedAt is null ? null
        : string.Join(" · ", new[] { t.Vehicle, t.Driver, t.Destination, t.DepartedAt is { } d ? time.Format(d) : null }.Where(x => x is { Length: > 0 }));

    private static CareFailure WrongState(CareTask t) => new(CareErrors.WrongState, "state", Code(t.State));

    private async Task<CareFailure?> SaveAsync(CareTask t, CancellationToken cancellationToken)
    {
        t.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new CareFailure(CareErrors.Changed, "version");
        }
    }

    private static CareTaskRef Ref(CareTask t) => new(t.Id, Code(t.Kind), Code(t.State), t.DueAt, Link(t.Id));

    private CareEvent Event(CareTask t, string kind, DateTime at, string? to = null, string? note = null) => new()
    {
        SubdistrictId = t.SubdistrictId,
        TaskId = t.Id,
        At = at,
        Kind = kind,
        By = caller.UserName,
        To = to,
        Note = note,
    };
}
