using System.Globalization;
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

namespace Cordon.Features.Hotline;

public sealed record RequestCommand(Guid? Id, string? CallerPhone, Guid? FlatId, string? Category, string? Urgency, string? Text, DateTime? ReceivedAt, string? Channel);

public sealed record RequestRef(Guid Id, string Number);

public sealed record RequestEventView(DateTime At, string Kind, string By, string? To, string? Note, string? Outcome, bool? Satisfied);

public sealed record RequestView(
    Guid Id, string Number, Guid? FlatId, string Address, string? CallerPhone, string Category, string Urgency, string Channel, string Text,
    DateTime ReceivedAt, DateTime DueAt, string State, bool Overdue, string? Owner, string? OwnerId, string? PendingOwner, string? PendingOwnerId,
    Guid? MergedIntoId, string? Outcome, DateTime? ClosedAt, IReadOnlyList<RequestRef> PossibleDuplicates, IReadOnlyList<RequestEventView>? History, int Version);

public sealed record RequestStats(DateOnly Date, int Received, int Closed, int Overdue, double? WithinDeadline);

public static class RequestErrors
{
    public static readonly Error NotFound = new("request_not_found", StatusCodes.Status404NotFound);
    public static readonly Error IdReused = new("request_id_reused", StatusCodes.Status409Conflict);
    public static readonly Error CategoryInvalid = new("request_category_invalid");
    public static readonly Error UrgencyInvalid = new("request_urgency_invalid");
    public static readonly Error ChannelInvalid = new("request_channel_invalid");
    public static readonly Error TextInvalid = new("request_text_invalid");
    public static readonly Error TimeInvalid = new("request_time_invalid");
    public static readonly Error FlatNotFound = new("request_flat_not_found");
    public static readonly Error FlatRequired = new("request_flat_required");
    public static readonly Error CallerMissing = new("request_caller_missing");
    public static readonly Error NotOpen = new("request_not_open", StatusCodes.Status409Conflict);
    public static readonly Error UserInvalid = new("request_user_invalid");
    public static readonly Error NotYours = new("request_not_yours", StatusCodes.Status409Conflict);
    public static readonly Error MergeInvalid = new("request_merge_invalid");
    public static readonly Error OutcomeInvalid = new("request_outcome_invalid");
    public static readonly Error CallbackMissing = new("callback_missing");
    public static readonly Error Changed = new("request_changed", StatusCodes.Status409Conflict);
    public static readonly Error StateInvalid = new("request_state_invalid");
    public static readonly Error ResidentNotInFlat = new("request_resident_not_in_flat");
    public static readonly Error CareNotAllowed = new("request_care_not_allowed", StatusCodes.Status403Forbidden);
}

/// <summary>
/// The resident hotline (issue 14): intake in seconds with a number and a deadline that runs from the call, possible
/// duplicates shown at intake, hand-over that takes effect only when accepted, callbacks, closing only after one.
/// Every query goes through the jurisdiction filter of the request's flat.
/// </summary>
public sealed class HotlineDesk(CordonDb db, Caller caller, Catalog catalog, LocalTime time, TimeProvider clock, Notifier notifier, ICareTasks care)
{
    public const string SubjectType = "request";
    public const int MaxList = 300;

    public static readonly IReadOnlyList<string> Categories = [.. Enum.GetValues<RequestCategory>().Select(Code)];

    public static readonly IReadOnlyList<string> Channels = ["phone", "household_page", "walk_in", "other"];

    public static readonly IReadOnlyList<string> CallbackOutcomes = ["resolved", "unresolved", "no_answer"];

    public static string Code(RequestCategory category) => category.ToString().ToLowerInvariant();

    public static string Link(Guid id) => $"/Hotline/Details?id={id}";

    /// <summary>How long a request may stay open, from the call: the urgent and the medical first.</summary>
    public static TimeSpan Allowed(RequestCategory category, bool urgent) => (category, urgent) switch
    {
        (RequestCategory.Medical, true) => TimeSpan.FromMinutes(30),
        (RequestCategory.Medicine, true) => TimeSpan.FromHours(2),
        (_, true) => TimeSpan.FromHours(4),
        (RequestCategory.Medical, false) => TimeSpan.FromHours(2),
        (RequestCategory.Medicine or RequestCategory.Food, false) => TimeSpan.FromHours(12),
        (RequestCategory.Complaint, false) => TimeSpan.FromHours(48),
        _ => TimeSpan.FromHours(24),
    };

    public IQueryable<HotlineRequest> Visible() => db.Set<HotlineRequest>();

    public Task<HotlineRequest?> FindAsync(Guid id, CancellationToken cancellationToken) => Visible().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);

    /// <summary>201 with the new request; 200 with the first for the same id; an error otherwise (nothing stored).</summary>
    public async Task<(HotlineRequest? Request, bool Created, Error? Error)> CreateAsync(RequestCommand body, CancellationToken cancellationToken)
    {
        if (body.Id is { } clientId && await db.Set<HotlineRequest>().IgnoreQueryFilters().AsNoTracking()
                .SingleOrDefaultAsync(r => r.Id == clientId && r.SubdistrictId == caller.SubdistrictId, cancellationToken) is { } first)
        {
            return await FindAsync(first.Id, cancellationToken) is { } mine ? (mine, false, null) : (null, false, RequestErrors.IdReused);
        }

        if (!Enum.TryParse<RequestCategory>(body.Category, ignoreCase: true, out var category) || !Enum.IsDefined(category) || int.TryParse(body.Category, out _))
        {
            return (null, false, RequestErrors.CategoryInvalid);
        }

        if (body.Urgency is not (null or "normal" or "urgent"))
        {
            return (null, false, RequestErrors.UrgencyInvalid);
        }

        var channel = body.Channel ?? "phone";
        if (!Channels.Contains(channel))
        {
            return (null, false, RequestErrors.ChannelInvalid);
        }

        var (text, textOk) = Reasons.Check(body.Text, 1000);
        if (!textOk || text.Length == 0)
        {
            return (null, false, RequestErrors.TextInvalid);
        }

        var (phone, phoneError) = ResidentRules.PhoneNumber(body.CallerPhone);
        if (phoneError is not null)
        {
            return (null, false, phoneError);
        }

        if (phone is null && channel == "phone")
        {
            return (null, false, RequestErrors.CallerMissing);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var received = body.ReceivedAt is { } at ? time.FromClient(at) : now;
        if (received > now.AddMinutes(5) || received < now.AddDays(-7))
        {
            return (null, false, RequestErrors.TimeInvalid);
        }

        Flat? flat = null;
        if (body.FlatId is { } flatId && (flat = await db.Flats.AsNoTracking().SingleOrDefaultAsync(f => f.Id == flatId, cancellationToken)) is null)
        {
            return (null, false, RequestErrors.FlatNotFound);
        }

        // Someone limited to some neighborhoods would not see a request filed at the sub-district: it needs a flat.
        if (flat is null && !caller.WholeSubdistrict)
        {
            return (null, false, RequestErrors.FlatRequired);
        }

        var request = new HotlineRequest
        {
            Id = body.Id ?? Guid.CreateVersion7(),
            SubdistrictId = caller.SubdistrictId,
            NeighborhoodId = flat?.NeighborhoodId ?? Guid.Empty,
            CompoundId = flat?.CompoundId ?? Guid.Empty,
            FlatId = flat?.Id,
            CallerPhone = phone,
            Category = category,
            Urgent = body.Urgency == "urgent",
            Channel = channel,
            Text = text,
            ReceivedAt = received,
            DueAt = received + Allowed(category, body.Urgency == "urgent"),
            State = RequestState.Open,
            OwnerId = caller.UserId,
            OwnerName = caller.UserName,
            CreatedBy = caller.UserName,
            CreatedAt = now,
        };
        var prefix = "R" + time.ToLocal(received).ToString("MMdd", CultureInfo.InvariantCulture) + "-";
        var taken = await db.Set<HotlineRequest>().IgnoreQueryFilters().CountAsync(r => r.SubdistrictId == caller.SubdistrictId && r.Number.StartsWith(prefix), cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            request.Number = prefix + (taken + 1 + attempt).ToString("D4", CultureInfo.InvariantCulture);
            db.Set<HotlineRequest>().Add(request);
            db.Set<RequestEvent>().Add(Event(request, "received", null, null, received));
            db.Set<Deadline>().Add(Deadline.Create(request.SubdistrictId, SubjectType, request.Id, "close", $"{request.Number} · {catalog.Both("hotline.category." + Code(category)).Zh}",
                received, request.DueAt - received));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return (request, true, null);
            }
            catch (Exception e) when (DbErrors.IsUniqueViolation(e) && attempt < 20)
            {
                db.ChangeTracker.Clear();
                if (body.Id is { } raced && await FindAsync(raced, cancellationToken) is { } stored)
                {
                    return (stored, false, null);
                }
            }
        }
    }

    /// <summary>The same phone or flat, the same category, within 48 hours of the call: shown before anyone works it twice.</summary>
    public async Task<List<RequestRef>> DuplicatesAsync(HotlineRequest r, CancellationToken cancellationToken)
    {
        var from = r.ReceivedAt.AddHours(-48);
        var to = r.ReceivedAt.AddHours(48);
        return (await Visible().AsNoTracking()
            .Where(x => x.Id != r.Id && x.Category == r.Category && x.State != RequestState.Merged && x.ReceivedAt >= from && x.ReceivedAt <= to
                && ((r.CallerPhone != null && x.CallerPhone == r.CallerPhone) || (r.FlatId != null && x.FlatId == r.FlatId)))
            .OrderBy(x => x.ReceivedAt).Take(10).Select(x => new { x.Id, x.Number }).ToListAsync(cancellationToken))
            .Select(x => new RequestRef(x.Id, x.Number)).ToList();
    }

    public async Task<List<HotlineRequest>> ListAsync(RequestState? state, bool overdue, bool mine, Guid? neighborhoodId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var query = Visible().AsNoTracking();
        if (state is { } s)
        {
            query = query.Where(r => r.State == s);
        }

        if (overdue)
        {
            query = query.Where(r => r.State == RequestState.Open && r.DueAt < now);
        }

        if (mine)
        {
            var me = caller.UserId;
            query = query.Where(r => r.OwnerId == me || r.PendingOwnerId == me);
        }

        if (neighborhoodId is { } n)
        {
            query = query.Where(r => r.NeighborhoodId == n);
        }

        var list = await query.OrderBy(r => r.DueAt).Take(MaxList).ToListAsync(cancellationToken);
        await db.AuditReadAsync("hotline-requests", new { state, overdue, mine, neighborhoodId }, list.Count, cancellationToken);
        return list;
    }

    public async Task<List<RequestView>> ViewsAsync(IReadOnlyList<HotlineRequest> requests, bool history, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var flatIds = requests.Where(r => r.FlatId is not null).Select(r => r.FlatId!.Value).Distinct().ToList();
        var places = await db.FlatAddressesAsync(flatIds, cancellationToken);
        var ids = requests.Select(r => r.Id).ToList();
        var events = history
            ? (await db.Set<RequestEvent>().AsNoTracking().Where(e => ids.Contains(e.RequestId)).OrderBy(e => e.At).ToListAsync(cancellationToken)).ToLookup(e => e.RequestId)
            : null;
        var views = new List<RequestView>();
        foreach (var r in requests)
        {
            var duplicates = history && r.State != RequestState.Merged ? await DuplicatesAsync(r, cancellationToken) : [];
            views.Add(new RequestView(r.Id, r.Number, r.FlatId, r.FlatId is { } f ? places.GetValueOrDefault(f, "—") : "—", caller.Phone(r.CallerPhone), Code(r.Category),
                r.Urgent ? "urgent" : "normal", r.Channel, r.Text, r.ReceivedAt, r.DueAt, r.State.ToString().ToLowerInvariant(),
                r.State == RequestState.Open && r.DueAt < now, r.OwnerName, r.OwnerId, r.PendingOwnerName, r.PendingOwnerId, r.MergedIntoId, r.Outcome, r.ClosedAt,
                duplicates,
                events is null ? null : [.. events[r.Id].Select(e => new RequestEventView(e.At, e.Kind, e.By, e.To, e.Note, e.Outcome, e.Satisfied))],
                r.Version));
        }

        return views;
    }

    /// <summary>Hands the request to someone (the caller when <paramref name="userId"/> is null: taken at once). Another person has it only once they accept.</summary>
    public async Task<Error?> AssignAsync(HotlineRequest r, string? userId, CancellationToken cancellationToken)
    {
        if (r.State != RequestState.Open)
        {
            return RequestErrors.NotOpen;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (userId is null || userId == caller.UserId)
        {
            (r.OwnerId, r.OwnerName, r.PendingOwnerId, r.PendingOwnerName, r.PendingFromId, r.PendingFromName) = (caller.UserId, caller.UserName, null, null, null, null);
            db.Set<RequestEvent>().Add(Event(r, "taken", caller.UserName, null, now));
            return await SaveAsync(r, cancellationToken);
        }

        if ((await HotlineUsersAsync(cancellationToken)).SingleOrDefault(u => u.Id == userId) is not { } user)
        {
            return RequestErrors.UserInvalid;
        }

        (r.PendingOwnerId, r.PendingOwnerName, r.PendingFromId, r.PendingFromName) = (user.Id, user.Name, caller.UserId, caller.UserName);
        db.Set<RequestEvent>().Add(Event(r, "assigned", caller.UserName, user.Name, now));
        var (zh, en) = catalog.Both("hotline.notify.assigned", r.Number, catalog.Both("hotline.category." + Code(r.Category)).Zh);
        await notifier.AddAsync(r.SubdistrictId, new Message($"request:{r.Id}:assigned:{now.Ticks}", $"{zh} / {en}", "", Link(r.Id)), new Audience(UserIds: [user.Id], Robot: false), cancellationToken);
        return await SaveAsync(r, cancellationToken);
    }

    public async Task<Error?> AcceptAsync(HotlineRequest r, CancellationToken cancellationToken)
    {
        if (r.State != RequestState.Open)
        {
            return RequestErrors.NotOpen;
        }

        if (r.PendingOwnerId is null || r.PendingOwnerId != caller.UserId)
        {
            return RequestErrors.NotYours;
        }

        (r.OwnerId, r.OwnerName, r.PendingOwnerId, r.PendingOwnerName, r.PendingFromId, r.PendingFromName) = (r.PendingOwnerId, r.PendingOwnerName, null, null, null, null);
        db.Set<RequestEvent>().Add(Event(r, "accepted", caller.UserName, null, clock.GetUtcNow().UtcDateTime));
        return await SaveAsync(r, cancellationToken);
    }

    /// <summary>A refused hand-over returns the request to whoever sent it, and tells them.</summary>
    public async Task<Error?> DeclineAsync(HotlineRequest r, string? reason, CancellationToken cancellationToken)
    {
        if (r.State != RequestState.Open)
        {
            return RequestErrors.NotOpen;
        }

        if (r.PendingOwnerId is null || r.PendingOwnerId != caller.UserId)
        {
            return RequestErrors.NotYours;
        }

        var (note, ok) = Reasons.Check(reason, 300);
        if (!ok && note.Length > 0)
        {
            return RequestErrors.TextInvalid;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var sender = r.PendingFromId;
        (r.OwnerId, r.OwnerName) = (r.PendingFromId, r.PendingFromName);
        (r.PendingOwnerId, r.PendingOwnerName, r.PendingFromId, r.PendingFromName) = (null, null, null, null);
        db.Set<RequestEvent>().Add(Event(r, "declined", caller.UserName, r.OwnerName, now, note.Length > 0 ? note : null));
        if (sender is not null)
        {
            var (zh, en) = catalog.Both("hotline.notify.declined", r.Number, caller.UserName);
            await notifier.AddAsync(r.SubdistrictId, new Message($"request:{r.Id}:declined:{now.Ticks}", $"{zh} / {en}", note, Link(r.Id)), new Audience(UserIds: [sender], Robot: false), cancellationToken);
        }

        return await SaveAsync(r, cancellationToken);
    }

    /// <summary>Folds this request into another: its text and caller go into the other's history, the resident keeps the other's number.</summary>
    public async Task<Error?> MergeAsync(HotlineRequest r, Guid intoId, CancellationToken cancellationToken)
    {
        if (r.State != RequestState.Open)
        {
            return RequestErrors.NotOpen;
        }

        if (intoId == r.Id || await FindAsync(intoId, cancellationToken) is not { State: RequestState.Open } into)
        {
            return RequestErrors.MergeInvalid;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        r.State = RequestState.Merged;
        r.MergedIntoId = into.Id;
        r.ClosedAt = now;
        r.ClosedBy = caller.UserName;
        db.Set<RequestEvent>().Add(Event(r, "merged", caller.UserName, into.Number, now));
        db.Set<RequestEvent>().Add(Event(into, "merged_in", caller.UserName, r.Number, now,
            $"{r.Number} · {Mask.Phone(r.CallerPhone) ?? "—"} · {r.Text}"));
        if (into.CallerPhone is null && r.CallerPhone is not null)
        {
            into.CallerPhone = r.CallerPhone;
        }

        into.Version++;
        await CloseDeadlineAsync(r, now, cancellationToken);
        return await SaveAsync(r, cancellationToken);
    }

    public async Task<Error?> CallbackAsync(HotlineRequest r, DateTime? at, string? outcome, bool? satisfied, string? note, CancellationToken cancellationToken)
    {
        if (r.State != RequestState.Open)
        {
            return RequestErrors.NotOpen;
        }

        if (outcome is null || !CallbackOutcomes.Contains(outcome))
        {
            return RequestErrors.OutcomeInvalid;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var when = at is { } a ? time.FromClient(a) : now;
        if (when > now.AddMinutes(5) || when < r.ReceivedAt.AddMinutes(-1))
        {
            return RequestErrors.TimeInvalid;
        }

        var (text, ok) = Reasons.Check(note, 300);
        if (!ok && text.Length > 0)
        {
            return RequestErrors.TextInvalid;
        }

        var e = Event(r, "callback", caller.UserName, null, when, text.Length > 0 ? text : null);
        (e.Outcome, e.Satisfied) = (outcome, outcome == "no_answer" ? null : satisfied);
        db.Set<RequestEvent>().Add(e);
        return await SaveAsync(r, cancellationToken);
    }

    public async Task<Error?> NoteAsync(HotlineRequest r, string? note, CancellationToken cancellationToken)
    {
        var (text, ok) = Reasons.Check(note, 1000);
        if (!ok || text.Length == 0)
        {
            return RequestErrors.TextInvalid;
        }

        db.Set<RequestEvent>().Add(Event(r, "note", caller.UserName, null, clock.GetUtcNow().UtcDateTime, text));
        return await SaveAsync(r, cancellationToken);
    }

    /// <summary>Closing needs a callback that reached the resident, or three that did not (then the outcome is <c>unreachable</c>).</summary>
    public async Task<Error?> CloseAsync(HotlineRequest r, CancellationToken cancellationToken)
    {
        if (r.State != RequestState.Open)
        {
            return RequestErrors.NotOpen;
        }

        var callbacks = await db.Set<RequestEvent>().AsNoTracking().Where(e => e.RequestId == r.Id && e.Kind == "callback").OrderBy(e => e.At).ToListAsync(cancellationToken);
        var reached = callbacks.LastOrDefault(c => c.Outcome != "no_answer");
        string outcome;
        if (reached is not null)
        {
            outcome = reached.Outcome!;
        }
        else if (callbacks.Count(c => c.Outcome == "no_answer") >= 3)
        {
            outcome = "unreachable";
        }
        else
        {
            return RequestErrors.CallbackMissing;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        (r.State, r.ClosedAt, r.ClosedBy, r.Outcome) = (RequestState.Closed, now, caller.UserName, outcome);
        db.Set<RequestEvent>().Add(Event(r, "closed", caller.UserName, null, now, null));
        await CloseDeadlineAsync(r, now, cancellationToken);
        return await SaveAsync(r, cancellationToken);
    }

    /// <summary>
    /// A medicine or medical call becomes care tasks in one step: for a resident of the request's flat, the kind (送药,
    /// 就医…), due by the request's deadline unless told; the task links back to the request and the request's
    /// history names it. The same resident and kind twice is one task.
    /// </summary>
    public async Task<(CareTaskRef? Task, Error? Error)> OrderCareAsync(HotlineRequest r, Guid? residentId, string? kind, DateTime? dueAt, string? recurrence, string? note, CancellationToken cancellationToken)
    {
        if (!caller.Can(Permission.ProvideCare))
        {
            return (null, RequestErrors.CareNotAllowed);
        }

        if (r.State != RequestState.Open)
        {
            return (null, RequestErrors.NotOpen);
        }

        if (r.FlatId is not { } flat)
        {
            return (null, RequestErrors.FlatRequired);
        }

        if (residentId is not { } resident || !await db.Residents.AnyAsync(x => x.Id == resident && x.FlatId == flat && x.Status != ResidenceStatus.MovedOut, cancellationToken))
        {
            return (null, RequestErrors.ResidentNotInFlat);
        }

        var text = note is { Length: > 0 } ? note : r.Text.Length <= 500 ? r.Text : r.Text[..500];
        var before = (await care.ForSourceAsync("request", r.Id, cancellationToken)).Select(t => t.Id).ToHashSet();
        var (task, error) = await care.OrderAsync(new CareOrder(resident, kind ?? (r.Category == RequestCategory.Medical ? "hospital" : "medicine"), dueAt ?? r.DueAt, recurrence, text,
            "request", r.Id, r.Number, Link(r.Id)), cancellationToken);
        if (error is not null)
        {
            return (null, error);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (!before.Contains(task!.Id))
        {
            db.Set<RequestEvent>().Add(new RequestEvent
            {
                SubdistrictId = r.SubdistrictId,
                RequestId = r.Id,
                At = now,
                Kind = "care_task",
                By = caller.UserName,
                To = catalog.Both("care.kind." + task.Kind).Zh,
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        return (task, null);
    }

    /// <summary>The people of the request's flat, for whom a care task can be made.</summary>
    public async Task<List<(Guid Id, string Name)>> FlatResidentsAsync(HotlineRequest r, CancellationToken cancellationToken) =>
        r.FlatId is not { } flat ? [] : [.. (await db.Residents.AsNoTracking().Where(x => x.FlatId == flat && x.Status != ResidenceStatus.MovedOut)
            .OrderBy(x => x.Name).Select(x => new { x.Id, x.Name }).Take(30).ToListAsync(cancellationToken)).Select(x => (x.Id, x.Name))];

    public Task<IReadOnlyList<CareTaskRef>> CareTasksAsync(Guid requestId, CancellationToken cancellationToken) => care.ForSourceAsync("request", requestId, cancellationToken);

    /// <summary>A day's figures (Asia/Shanghai): received, closed, open past their deadline, and the share closed in time.</summary>
    public async Task<RequestStats> StatsAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var from = time.ToUtc(day.ToDateTime(TimeOnly.MinValue));
        var to = from.AddDays(1);
        var now = clock.GetUtcNow().UtcDateTime;
        var received = await Visible().CountAsync(r => r.ReceivedAt >= from && r.ReceivedAt < to, cancellationToken);
        var closed = await Visible().Where(r => r.State == RequestState.Closed && r.ClosedAt >= from && r.ClosedAt < to)
            .Select(r => new { r.ClosedAt, r.DueAt }).ToListAsync(cancellationToken);
        var overdue = await Visible().CountAsync(r => r.State == RequestState.Open && r.DueAt < now && r.DueAt < to, cancellationToken);
        return new RequestStats(day, received, closed.Count, overdue, closed.Count == 0 ? null : Math.Round(closed.Count(c => c.ClosedAt <= c.DueAt) * 100.0 / closed.Count, 1));
    }

    /// <summary>The sub-district's active accounts that may answer the hotline: whom a request can be handed to.</summary>
    public Task<List<Holder>> HotlineUsersAsync(CancellationToken cancellationToken) => db.PermissionHoldersAsync(caller.SubdistrictId, Permission.AnswerHotline, cancellationToken);

    private async Task CloseDeadlineAsync(HotlineRequest r, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var deadline in await db.Set<Deadline>().Where(d => d.SubjectType == SubjectType && d.SubjectId == r.Id && d.State != DeadlineState.Done && d.State != DeadlineState.Cancelled).ToListAsync(cancellationToken))
        {
            deadline.Complete(now, caller.UserName, r.Outcome);
            await DeadlineWatcher.CloseAlertsAsync(db, deadline.Id, now, cancellationToken);
        }
    }

    private async Task<Error?> SaveAsync(HotlineRequest r, CancellationToken cancellationToken)
    {
        r.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return RequestErrors.Changed;
        }
    }

    private static RequestEvent Event(HotlineRequest r, string kind, string? by, string? to, DateTime at, string? note = null) => new()
    {
        SubdistrictId = r.SubdistrictId,
        RequestId = r.Id,
        At = at,
        Kind = kind,
        By = by ?? r.CreatedBy,
        To = to,
        Note = note,
    };
}
