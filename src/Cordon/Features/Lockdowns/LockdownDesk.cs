using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Notifications;
using Cordon.Platform.People;
using Cordon.Platform.Screening;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

public sealed record LockdownRequest(
    Guid? Id, string? Name, string? Level, List<Guid>? BuildingIds, List<Guid>? CompoundIds, DateTime? ReceivedAt,
    string? OrderedBy, string? Reason, int? PlannedDays, int? PoolSize);

public sealed record MilestoneView(string Key, string Label, DateTime DueAt, DateTime WarnAt, DateTime EscalateAt, string State, DateTime? DoneAt, string? DoneBy, string? Note);

public sealed record ChecklistView(string Key, string Label, bool Done, DateTime? DoneAt, string? DoneBy);

public sealed record BuildingView(Guid Id, string Compound, string Number, int Entrances, int Residents);

public sealed record EventView(DateTime At, string Kind, string By, string Note);

public sealed record DisinfectionView(Guid Id, Guid BuildingId, string Building, int Entrance, DateTime At, string Agent, string Areas, string By);

public sealed record LockdownView(
    Guid Id, string Name, string Level, string Status, DateTime ReceivedAt, DateTime EnteredAt, string OrderedBy, string Reason, int PlannedDays,
    int PlanVersion, IReadOnlyList<MilestoneView> Milestones, Guid? TestingSeriesId, IReadOnlyList<ChecklistView> Checklist,
    IReadOnlyList<BuildingView> Buildings, int Residents, UnlockView Unlock, IReadOnlyList<DisinfectionView> Disinfections,
    IReadOnlyList<EventView> History, DateTime? UnlockedAt, DateTime? ClosedAt, string SiteCode);

/// <summary>
/// The lockdown's work, for the API and the pages alike: order, check in, close milestones, tick the checklist,
/// unlock under the rule, disinfect, close. Every change writes its history line, its alerts and its messages in
/// the same unit of work. A lockdown is seen when one of its buildings is in the caller's jurisdiction.
/// </summary>
public sealed class LockdownDesk(
    CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, LocalTime time, Notifier notifier, IScreening screening, IServiceProvider services)
{
    public const string SubjectType = "lockdown";
    public const int MaxBuildings = 300;
    public static readonly TimeSpan FutureSlack = TimeSpan.FromMinutes(5);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The lockdowns the caller sees (through the jurisdiction filter on their buildings).</summary>
    public IQueryable<Lockdown> Visible() => db.Set<Lockdown>().Where(l => db.Set<LockdownBuilding>().Any(b => b.LockdownId == l.Id));

    public Task<Lockdown?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        Visible().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);

    public async Task<(Lockdown? Lockdown, bool Created, Error? Error)> CreateAsync(LockdownRequest body, CancellationToken cancellationToken)
    {
        if (body.Id is { } clientId && await Visible().AnyAsync(l => l.Id == clientId, cancellationToken))
        {
            return (await FindAsync(clientId, cancellationToken), false, null);
        }

        var name = Text.Clean(body.Name);
        if (name.Length is 0 or > 64)
        {
            return (null, false, LockdownErrors.NameRequired);
        }

        LockdownLevel? level = body.Level?.Trim().ToLowerInvariant() switch
        {
            "sealed" or "封控区" => LockdownLevel.Sealed,
            "controlled" or "管控区" => LockdownLevel.Controlled,
            "precaution" or "防范区" => LockdownLevel.Precaution,
            _ => null,
        };
        if (level is null)
        {
            return (null, false, LockdownErrors.LevelInvalid);
        }

        var now = Now;
        var received = body.ReceivedAt is { } r ? time.FromClient(r) : now;
        if (received > now + FutureSlack || received < now.AddDays(-3))
        {
            return (null, false, LockdownErrors.ReceivedAtInvalid);
        }

        var days = body.PlannedDays ?? 14;
        if (days is < 1 or > 60)
        {
            return (null, false, LockdownErrors.PlannedDaysInvalid);
        }

        var (orderedBy, orderedOk) = Reasons.Check(body.OrderedBy, 64);
        var (reason, reasonOk) = Reasons.Check(body.Reason);
        if ((!orderedOk && orderedBy.Length > 0) || orderedBy.Length > 64 || (!reasonOk && reason.Length > 0) || reason.Length > Reasons.MaxLength)
        {
            return (null, false, LockdownErrors.TextInvalid);
        }

        var buildingIds = body.BuildingIds?.Distinct().ToList() ?? [];
        var compoundIds = body.CompoundIds?.Distinct().ToList() ?? [];
        if (buildingIds.Count + compoundIds.Count == 0)
        {
            return (null, false, LockdownErrors.ScopeEmpty);
        }

        if (buildingIds.Count > MaxBuildings || compoundIds.Count > MaxBuildings)
        {
            return (null, false, LockdownErrors.ScopeTooLarge);
        }

        // Places outside the caller's jurisdiction are not found, like any other missing place.
        if (await db.Buildings.CountAsync(b => buildingIds.Contains(b.Id), cancellationToken) != buildingIds.Count
            || await db.Compounds.CountAsync(c => compoundIds.Contains(c.Id), cancellationToken) != compoundIds.Count)
        {
            return (null, false, LockdownErrors.ScopeEmpty);
        }

        var buildings = await db.Buildings.Where(b => buildingIds.Contains(b.Id) || compoundIds.Contains(b.CompoundId))
            .Select(b => new { b.Id, b.NeighborhoodId, b.CompoundId }).ToListAsync(cancellationToken);
        if (buildings.Count == 0)
        {
            return (null, false, LockdownErrors.ScopeEmpty);
        }

        if (buildings.Count > MaxBuildings)
        {
            return (null, false, LockdownErrors.ScopeTooLarge);
        }

        var plan = await ResponsePlan.CurrentAsync(db, caller.SubdistrictId, cancellationToken);
        var lockdown = new Lockdown
        {
            Id = body.Id ?? Guid.CreateVersion7(),
            SubdistrictId = caller.SubdistrictId,
            Name = name,
            Level = level.Value,
            Status = LockdownStatus.Ordered,
            ReceivedAt = received,
            EnteredAt = now,
            EnteredBy = caller.UserName,
            OrderedBy = orderedBy,
            Reason = reason,
            PlannedDays = days,
            PlanVersion = plan.Version,
        };
        var ids = buildings.Select(b => b.Id).ToList();
        var compounds = buildings.Select(b => b.CompoundId).Distinct().ToList();
        lockdown.Residents = await db.Residents.IgnoreQueryFilters()
            .CountAsync(p => p.SubdistrictId == lockdown.SubdistrictId && compounds.Contains(p.CompoundId) && ids.Contains(p.BuildingId) && (p.Status == ResidenceStatus.Resident || p.Status == ResidenceStatus.Tenant), cancellationToken);
        db.Set<Lockdown>().Add(lockdown);
        db.Set<LockdownBuilding>().AddRange(buildings.Select(b => new LockdownBuilding
        {
            SubdistrictId = lockdown.SubdistrictId,
            NeighborhoodId = b.NeighborhoodId,
            CompoundId = b.CompoundId,
            LockdownId = lockdown.Id,
            BuildingId = b.Id,
        }));
        db.Set<ChecklistItem>().AddRange(plan.CheckList.Select((c, i) => new ChecklistItem
        {
            SubdistrictId = lockdown.SubdistrictId,
            LockdownId = lockdown.Id,
            Key = c.Key,
            Label = c.Label ?? catalog.Both("lockdowns.check." + c.Key).Zh,
            Order = i,
        }));

        // The series the rule demands, through the testing feature: two rounds within 48 hours over the sealed buildings.
        var (series, error) = await screening.PlanSeriesAsync(db, caller, name, ids, body.PoolSize, now, cancellationToken);
        if (error is not null)
        {
            return (null, false, error);
        }

        lockdown.SeriesId = series;
        var subject = Subject();
        foreach (var m in plan.MilestoneList)
        {
            var deadline = Deadline.Create(lockdown.SubdistrictId, SubjectType, lockdown.Id, m.Key, $"{name} · {MilestoneLabel(m)}", received, TimeSpan.FromMinutes(m.Minutes));
            db.Set<Deadline>().Add(deadline);

            // Typed late (received 02:10, entered 02:25): the clock is already running, and says so at once.
            if (deadline.Advance(now))
            {
                await DeadlineWatcher.RaiseAsync(services, db, subject, deadline, now, cancellationToken);
            }
        }

        AddEvent(lockdown, "ordered", catalog.Both("lockdowns.event.ordered-note", time.Format(received), orderedBy).Zh, now);
        var (zh, en) = catalog.Both("lockdowns.notify.ordered", name, catalog.Both("enum." + level).Zh, buildings.Count);
        await notifier.AddAsync(lockdown.SubdistrictId, new Message($"lockdown:{lockdown.Id}:ordered", $"{zh} / {en}",
            catalog.Both("lockdowns.notify.ordered-body", time.Format(received)).Zh, Link(lockdown.Id)), new Audience(Permission.RunLockdowns), cancellationToken);
        UnlockRule.Remember(lockdown, new UnlockFacts(null, received.AddDays(days), null, null, null, true, plan.CleanRoundHours), now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (body.Id is not null && DbErrors.IsUniqueViolation(e))
        {
            // The same order sent twice at once (a retry racing the first): the first one stands, and is the answer.
            db.ChangeTracker.Clear();
            return (await FindAsync(lockdown.Id, cancellationToken), false, null);
        }

        return (lockdown, true, null);
    }

    /// <summary>The leader checks in on site: evidence for <c>arrive</c>, and the lockdown is active.</summary>
    public Task<Error?> CheckInAsync(Lockdown lockdown, DateTime? at, string? note, CancellationToken cancellationToken) =>
        CompleteAsync(lockdown, "arrive", at, note is { Length: > 0 } ? note : catalog.Both("lockdowns.checkin-note").Zh, cancellationToken);

    /// <summary>Closes a milestone by hand (or by check-in); a second close of a done one changes nothing.</summary>
    public async Task<Error?> CompleteAsync(Lockdown lockdown, string key, DateTime? at, string? note, CancellationToken cancellationToken)
    {
        var deadline = await db.Set<Deadline>().SingleOrDefaultAsync(d => d.SubjectType == SubjectType && d.SubjectId == lockdown.Id && d.Key == key, cancellationToken);
        if (deadline is null)
        {
            return LockdownErrors.MilestoneNotFound;
        }

        if (deadline.State == DeadlineState.Done)
        {
            return null;
        }

        if (!lockdown.InForce)
        {
            return LockdownErrors.NotInForce;
        }

        var (text, textOk) = Reasons.Check(note);
        if (!textOk && text.Length > 0)
        {
            return LockdownErrors.TextInvalid;
        }

        var now = Now;
        var when = at is { } a ? time.FromClient(a) : now;
        if (when > now + FutureSlack || when < lockdown.ReceivedAt)
        {
            return LockdownErrors.AtInvalid;
        }

        await CompleteInWorkAsync(lockdown, deadline, when, caller.UserName, text, cancellationToken);
        return await SaveAsync(cancellationToken);
    }

    /// <summary>
    /// Evidence from another feature (a called-up leader scanned the site QR; the sweep packets were made): the
    /// milestone closed in the caller's unit of work, not saved. False when it was closed already or the lockdown no
    /// longer runs.
    /// </summary>
    public async Task<bool> CompleteByEvidenceAsync(Lockdown lockdown, string key, DateTime at, string by, string note, CancellationToken cancellationToken)
    {
        var deadline = await db.Set<Deadline>().SingleOrDefaultAsync(d => d.SubjectType == SubjectType && d.SubjectId == lockdown.Id && d.Key == key, cancellationToken);
        if (deadline is null || deadline.State == DeadlineState.Done || !lockdown.InForce)
        {
            return false;
        }

        await CompleteInWorkAsync(lockdown, deadline, at < lockdown.ReceivedAt ? lockdown.ReceivedAt : at, by, note, cancellationToken);
        return true;
    }

    private async Task CompleteInWorkAsync(Lockdown lockdown, Deadline deadline, DateTime when, string by, string text, CancellationToken cancellationToken)
    {
        deadline.Complete(when, by, text.Length > 0 ? text : null);
        await DeadlineWatcher.CloseAlertsAsync(db, deadline.Id, Now, cancellationToken);
        if (deadline.Key == "arrive" && lockdown.Status == LockdownStatus.Ordered)
        {
            lockdown.Status = LockdownStatus.Active;
            lockdown.ActivatedAt = when;
            AddEvent(lockdown, "active", "", when, by);
        }

        AddEvent(lockdown, "milestone", $"{deadline.Title}{(text.Length > 0 ? " · " + text : "")}", when, by);
    }

    public async Task<Error?> TickAsync(Lockdown lockdown, string itemKey, bool done, CancellationToken cancellationToken)
    {
        var item = await db.Set<ChecklistItem>().SingleOrDefaultAsync(c => c.LockdownId == lockdown.Id && c.Key == itemKey, cancellationToken);
        if (item is null)
        {
            return LockdownErrors.ChecklistItemNotFound;
        }

        if ((item.DoneAt is not null) == done)
        {
            return null;
        }

        item.DoneAt = done ? Now : null;
        item.DoneBy = done ? caller.UserName : null;
        AddEvent(lockdown, "checklist", (done ? "✓ " : "✗ ") + item.Label, Now);
        return await SaveAsync(cancellationToken);
    }

    public async Task<UnlockView> UnlockViewAsync(Lockdown lockdown, CancellationToken cancellationToken)
    {
        var plan = await ResponsePlan.VersionAsync(db, lockdown.SubdistrictId, lockdown.PlanVersion, cancellationToken);
        var facts = await UnlockRule.FactsAsync(db, screening, lockdown, plan.CleanRoundHours, cancellationToken);
        return Words(facts, lockdown);
    }

    /// <summary>Unlocks when the rule allows it, or against it by a commander's override with a reason (audited).</summary>
    public async Task<(Error? Error, UnlockView Unlock)> UnlockAsync(Lockdown lockdown, DateTime? at, bool overrideRule, string? reason, CancellationToken cancellationToken)
    {
        var unlock = await UnlockViewAsync(lockdown, cancellationToken);
        if (!lockdown.InForce)
        {
            return (lockdown.Status == LockdownStatus.Closed || lockdown.UnlockedAt is null ? LockdownErrors.NotInForce : null, unlock);
        }

        var now = Now;
        var when = at is { } a ? time.FromClient(a) : now;
        if (when > now + FutureSlack || when < lockdown.ReceivedAt)
        {
            return (LockdownErrors.AtInvalid, unlock);
        }

        string? why = null;
        if (!unlock.Eligible)
        {
            if (!overrideRule)
            {
                return (LockdownErrors.UnlockBlocked, unlock);
            }

            var (text, ok) = Reasons.Check(reason);
            if (!ok)
            {
                return (LockdownErrors.OverrideReasonMissing, unlock);
            }

            why = text;
        }

        lockdown.Status = LockdownStatus.Unlocked;
        lockdown.UnlockedAt = when;
        lockdown.UnlockedBy = caller.UserName;
        lockdown.OverrideReason = why;
        lockdown.UnlockEligible = false;
        db.ChangeReason = why;
        await CancelDeadlinesAsync(lockdown, now, cancellationToken);
        AddEvent(lockdown, why is null ? "unlocked" : "override", why ?? "", when);
        var (zh, en) = catalog.Both("lockdowns.notify.unlocked", lockdown.Name);
        await notifier.AddAsync(lockdown.SubdistrictId, new Message($"lockdown:{lockdown.Id}:unlocked", $"{zh} / {en}", catalog.Both("lockdowns.notify.disinfect").Zh, Link(lockdown.Id)),
            new Audience(Permission.RunLockdowns), cancellationToken);
        return (await SaveAsync(cancellationToken), unlock);
    }

    public sealed record DisinfectionRequest(Guid? Id, Guid? BuildingId, int? Entrance, DateTime? At, string? Agent, string? Areas, string? PhotoFileId);

    public async Task<(Disinfection? Record, Error? Error)> DisinfectAsync(Lockdown lockdown, DisinfectionRequest body, CancellationToken cancellationToken)
    {
        if (body.Id is { } clientId && await db.Set<Disinfection>().SingleOrDefaultAsync(d => d.Id == clientId && d.LockdownId == lockdown.Id, cancellationToken) is { } first)
        {
            return (first, null);
        }

        if (lockdown.Status is not (LockdownStatus.Unlocked or LockdownStatus.Disinfected))
        {
            return (null, LockdownErrors.NotUnlocked);
        }

        var building = body.BuildingId is { } bid && await db.Set<LockdownBuilding>().AnyAsync(b => b.LockdownId == lockdown.Id && b.BuildingId == bid, cancellationToken)
            ? await db.Buildings.SingleOrDefaultAsync(b => b.Id == bid, cancellationToken) : null;
        if (building is null)
        {
            return (null, LockdownErrors.BuildingNotSealed);
        }

        var entrance = body.Entrance ?? 1;
        if (entrance < 1 || entrance > Math.Max(1, building.Entrances))
        {
            return (null, LockdownErrors.EntranceInvalid);
        }

        var (agent, agentOk) = Reasons.Check(body.Agent, 64);
        var (areas, areasOk) = Reasons.Check(body.Areas, 200);
        if (!agentOk || !areasOk || (body.PhotoFileId?.Length ?? 0) > 64)
        {
            return (null, LockdownErrors.DisinfectionFieldsMissing);
        }

        var now = Now;
        var when = body.At is { } a ? time.FromClient(a) : now;
        if (when > now + FutureSlack || when < (lockdown.UnlockedAt ?? lockdown.ReceivedAt).AddHours(-1))
        {
            return (null, LockdownErrors.AtInvalid);
        }

        var record = new Disinfection
        {
            Id = body.Id ?? Guid.CreateVersion7(),
            SubdistrictId = lockdown.SubdistrictId,
            LockdownId = lockdown.Id,
            BuildingId = building.Id,
            Entrance = entrance,
            At = when,
            Agent = agent,
            Areas = areas,
            By = caller.UserName,
            PhotoFileId = body.PhotoFileId,
        };
        db.Set<Disinfection>().Add(record);
        AddEvent(lockdown, "disinfection", $"{building.Number} {entrance}单元 · {agent}", when);
        if (lockdown.Status == LockdownStatus.Unlocked && (await MissingEntrancesAsync(lockdown, record, cancellationToken)).Count == 0)
        {
            lockdown.Status = LockdownStatus.Disinfected;
            lockdown.DisinfectedAt = when;
            AddEvent(lockdown, "disinfected", "", when);
        }

        return await SaveAsync(cancellationToken) is { } error ? (null, error) : (record, null);
    }

    /// <summary>Entrances of the sealed buildings without a disinfection record: <c>12号 2单元</c>.</summary>
    public async Task<List<string>> MissingEntrancesAsync(Lockdown lockdown, Disinfection? adding, CancellationToken cancellationToken)
    {
        var buildings = await db.Set<LockdownBuilding>().IgnoreQueryFilters().Where(b => b.SubdistrictId == lockdown.SubdistrictId && b.LockdownId == lockdown.Id)
            .Join(db.Buildings.IgnoreQueryFilters(), lb => lb.BuildingId, b => b.Id, (lb, b) => new { b.Id, b.Number, b.Entrances, b.SortKey, Compound = db.Compounds.IgnoreQueryFilters().Where(c => c.Id == b.CompoundId).Select(c => c.Name).First() })
            .ToListAsync(cancellationToken);
        var done = (await db.Set<Disinfection>().Where(d => d.LockdownId == lockdown.Id).Select(d => new { d.BuildingId, d.Entrance }).ToListAsync(cancellationToken))
            .Select(d => (d.BuildingId, d.Entrance)).ToHashSet();
        if (adding is not null)
        {
            done.Add((adding.BuildingId, adding.Entrance));
        }

        return [.. buildings.OrderBy(b => b.Compound).ThenBy(b => b.SortKey)
            .SelectMany(b => Enumerable.Range(1, Math.Max(1, b.Entrances)).Where(e => !done.Contains((b.Id, e))).Select(e => $"{b.Compound} {b.Number} {e}单元"))];
    }

    public async Task<(Error? Error, List<string> Missing)> CloseAsync(Lockdown lockdown, CancellationToken cancellationToken)
    {
        if (lockdown.Status == LockdownStatus.Closed)
        {
            return (null, []);
        }

        if (lockdown.Status is not (LockdownStatus.Unlocked or LockdownStatus.Disinfected))
        {
            return (LockdownErrors.NotUnlocked, []);
        }

        var missing = await MissingEntrancesAsync(lockdown, null, cancellationToken);
        if (missing.Count > 0)
        {
            return (LockdownErrors.DisinfectionMissing, missing);
        }

        var now = Now;
        lockdown.Status = LockdownStatus.Closed;
        lockdown.ClosedAt = now;
        AddEvent(lockdown, "closed", "", now);
        return (await SaveAsync(cancellationToken), []);
    }

    public async Task<LockdownView> ViewAsync(Lockdown lockdown, CancellationToken cancellationToken)
    {
        var id = lockdown.Id;
        var milestones = await db.Set<Deadline>().AsNoTracking().Where(d => d.SubjectType == SubjectType && d.SubjectId == id).OrderBy(d => d.DueAt).ToListAsync(cancellationToken);
        var checks = await db.Set<ChecklistItem>().AsNoTracking().Where(c => c.LockdownId == id).OrderBy(c => c.Order).ToListAsync(cancellationToken);
        var buildings = await db.Set<LockdownBuilding>().IgnoreQueryFilters().Where(b => b.SubdistrictId == lockdown.SubdistrictId && b.LockdownId == id)
            .Join(db.Buildings.IgnoreQueryFilters(), lb => lb.BuildingId, b => b.Id, (lb, b) => b)
            .Join(db.Compounds.IgnoreQueryFilters(), b => b.CompoundId, c => c.Id, (b, c) => new { b.Id, b.CompoundId, Compound = c.Name, b.Number, b.SortKey, b.Entrances })
            .OrderBy(b => b.Compound).ThenBy(b => b.SortKey).ToListAsync(cancellationToken);
        var ids = buildings.Select(b => b.Id).ToList();
        var compounds = buildings.Select(b => b.CompoundId).Distinct().ToList();
        var residents = (await db.Residents.IgnoreQueryFilters()
                .Where(r => r.SubdistrictId == lockdown.SubdistrictId && compounds.Contains(r.CompoundId) && ids.Contains(r.BuildingId) && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant))
                .GroupBy(r => r.BuildingId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(x => x.Key, x => x.Count);
        var disinfections = await db.Set<Disinfection>().AsNoTracking().Where(d => d.LockdownId == id).OrderBy(d => d.At).ToListAsync(cancellationToken);
        var numbers = buildings.ToDictionary(b => b.Id, b => $"{b.Compound} {b.Number}");
        var history = await db.Set<LockdownEvent>().AsNoTracking().Where(e => e.LockdownId == id).OrderBy(e => e.At).ThenBy(e => e.Id).Take(500).ToListAsync(cancellationToken);
        var unlock = lockdown.InForce ? await UnlockViewAsync(lockdown, cancellationToken) : new UnlockView(false, null, [Blocker("not_in_force", lockdown)]);
        return new LockdownView(
            lockdown.Id, lockdown.Name, Lower(lockdown.Level.ToString()), Lower(lockdown.Status.ToString()), lockdown.ReceivedAt, lockdown.EnteredAt, lockdown.OrderedBy,
            lockdown.Reason, lockdown.PlannedDays, lockdown.PlanVersion,
            [.. milestones.Select(Milestone)], lockdown.SeriesId,
            [.. checks.Select(c => new ChecklistView(c.Key, c.Label, c.DoneAt is not null, c.DoneAt, c.DoneBy))],
            [.. buildings.Select(b => new BuildingView(b.Id, b.Compound, b.Number, b.Entrances, residents.GetValueOrDefault(b.Id)))],
            residents.Values.Sum(), unlock,
            [.. disinfections.Select(d => new DisinfectionView(d.Id, d.BuildingId, numbers.GetValueOrDefault(d.BuildingId) ?? "", d.Entrance, d.At, d.Agent, d.Areas, d.By))],
            [.. history.Select(e => new EventView(e.At, e.Kind, e.By, e.Note))], lockdown.UnlockedAt, lockdown.ClosedAt, lockdown.SiteCode);
    }

    public static MilestoneView Milestone(Deadline d) => new(
        d.Key, d.Title.Contains(" · ", StringComparison.Ordinal) ? d.Title[(d.Title.LastIndexOf(" · ", StringComparison.Ordinal) + 3)..] : d.Title,
        d.DueAt, d.WarnAt, d.EscalateAt, Lower(d.State.ToString()), d.DoneAt, d.DoneBy, d.Note);

    public static string Lower(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    public static string Link(Guid id) => $"/Lockdowns/Details?id={id}";

    /// <summary>The rule's facts in words, in the caller's language, with the times in Asia/Shanghai.</summary>
    public UnlockView Words(UnlockFacts facts, Lockdown lockdown)
    {
        var now = Now;
        var blockers = facts.BlockerCodes(now).Select(code => code switch
        {
            "quiet_period" => new Blocker(code, Say("lockdowns.blocker.quiet_period", lockdown.PlannedDays, time.Format(facts.QuietUntil))),
            "new_positive" => new Blocker(code, Say("lockdowns.blocker.new_positive", time.Format(facts.LastPositiveAt), lockdown.PlannedDays, time.Format(facts.QuietUntil))),
            "no_clean_round" => new Blocker(code, facts.LastFullRoundAt is { } full
                ? Say("lockdowns.blocker.no_clean_round_since", facts.CleanRoundHours, time.Format(full))
                : Say("lockdowns.blocker.no_clean_round", facts.CleanRoundHours)),
            _ => Blocker(code, lockdown),
        }).ToList();
        return new UnlockView(facts.Eligible(now), facts.InForce ? facts.QuietUntil : null, blockers);
    }

    private Blocker Blocker(string code, Lockdown lockdown) => new(code, Say("lockdowns.blocker." + code, catalog.Both("enum." + lockdown.Status).Zh));

    private string Say(string key, params object?[] args)
    {
        var (zh, en) = catalog.Both(key, args);
        return Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh;
    }

    private string MilestoneLabel(PlanMilestone m) => m.Label ?? catalog.Both("lockdowns.milestone." + m.Key).Zh;

    private IDeadlineSubject Subject() => services.GetServices<IDeadlineSubject>().Single(s => s.SubjectType == SubjectType);

    private async Task CancelDeadlinesAsync(Lockdown lockdown, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var deadline in await db.Set<Deadline>().Where(d => d.SubjectType == SubjectType && d.SubjectId == lockdown.Id).ToListAsync(cancellationToken))
        {
            if (deadline.Cancel(now, caller.UserName))
            {
                await DeadlineWatcher.CloseAlertsAsync(db, deadline.Id, now, cancellationToken);
            }
        }
    }

    // History is ordered by time, then id: ids made a millisecond apart keep one request's lines in the order written.
    private int _events;

    private void AddEvent(Lockdown lockdown, string kind, string note, DateTime at, string? by = null) => db.Set<LockdownEvent>().Add(new LockdownEvent
    {
        Id = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddMilliseconds(_events++)),
        SubdistrictId = lockdown.SubdistrictId,
        LockdownId = lockdown.Id,
        At = at,
        Kind = kind,
        By = by ?? caller.UserName,
        Note = Truncate(note, 300),
    });

    private async Task<Error?> SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return LockdownErrors.Changed;
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
