using Cordon.Platform.Auth;
using Cordon.Platform.Care;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Care;

/// <summary>A need of a person in the register and where it is known from: <c>ledger</c>, <c>proposal</c> (found at the door, not yet approved), a signal's source.</summary>
public sealed record RegisterNeed(string Code, string Source, DateTime? At);

/// <summary>A recurring plan of the person: its kind, its rule, the task now standing.</summary>
public sealed record RegisterPlan(Guid SeriesId, Guid TaskId, string Kind, string Recurrence, DateTime DueAt, string State);

public sealed record RegisterEntry(
    Guid ResidentId, string Name, string? Phone, Guid FlatId, string Address, Guid NeighborhoodId, Guid CompoundId, IReadOnlyList<RegisterNeed> Needs, IReadOnlyList<RegisterPlan> Plans,
    int OpenTasks, int OverdueTasks, DateTime? NextDueAt, DateTime? LastContactAt, bool ContactedToday);

public sealed record RegisterNeighborhood(Guid NeighborhoodId, string Name, int People, int NotContactedToday);

public sealed record CareRegisterView(Guid? CompoundId, DateOnly Date, IReadOnlyList<RegisterEntry> Items, IReadOnlyList<RegisterNeighborhood> Neighborhoods, bool Truncated);

public sealed record ContactCommand(Guid? Id, Guid? ResidentId, string? Channel, string? Outcome, string? Note, DateTime? At);

/// <summary>
/// 重点人群关爱台账 (issue 14): who in a place needs care, what and how often, and who has not been reached today.
/// From the ledger's need tags, needs found at doors not yet approved, needs other features found (a sweep's 缺药, an
/// open call about medicine), the care plans, and every contact: a task done or confirmed, a call logged here, a sweep
/// team at the door, a hotline call. In the caller's jurisdiction; the list is an audited bulk read.
/// </summary>
public sealed class CareRegister(CordonDb db, Caller caller, LocalTime time, TimeProvider clock, IEnumerable<ICareSignals> signals)
{
    public const int MaxRegister = 2000;

    /// <summary>Tags that mean someone may need looking after (外籍 alone does not).</summary>
    public const NeedTag CareTags = NeedTag.ElderlyAlone | NeedTag.LivesAlone | NeedTag.Ill | NeedTag.Pregnant | NeedTag.Mobility | NeedTag.Infant | NeedTag.Disabled;

    public static readonly TimeSpan FoundWithin = TimeSpan.FromDays(7);

    public async Task<CareRegisterView> ListAsync(Guid? compoundId, Guid? neighborhoodId, bool notContactedOnly, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = time.Today;
        var midnight = time.ToUtc(today.ToDateTime(TimeOnly.MinValue));
        var residents = db.Residents.AsNoTracking().Where(r => r.Status != ResidenceStatus.MovedOut);
        var proposals = db.Set<LedgerProposal>().AsNoTracking().Where(p => p.Status == ProposalStatus.Open && p.Kind == ProposalKind.Needs && p.ResidentId != null);
        var tasks = db.Set<CareTask>().AsNoTracking();
        if (compoundId is { } c)
        {
            (residents, proposals, tasks) = (residents.Where(r => r.CompoundId == c), proposals.Where(p => p.CompoundId == c), tasks.Where(t => t.CompoundId == c));
        }

        if (neighborhoodId is { } n)
        {
            (residents, proposals, tasks) = (residents.Where(r => r.NeighborhoodId == n), proposals.Where(p => p.NeighborhoodId == n), tasks.Where(t => t.NeighborhoodId == n));
        }

        var recent = now.AddDays(-14);
        var taskRows = await tasks.Where(t => t.State == CareState.Requested || t.State == CareState.Assigned || t.State == CareState.InProgress
                || t.State == CareState.Done || t.DueAt >= recent)
            .Take(MaxRegister * 4).ToListAsync(cancellationToken);
        var found = await proposals.Select(p => new { ResidentId = p.ResidentId!.Value, p.Tags, p.FoundAt }).Take(MaxRegister).ToListAsync(cancellationToken);
        var flats = await residents.Select(r => r.FlatId).Distinct().Take(20000).ToListAsync(cancellationToken);
        var signalNeeds = new List<FoundNeed>();
        foreach (var source in signals)
        {
            signalNeeds.AddRange(await source.NeedsAsync(db, flats, now - FoundWithin, cancellationToken));
        }

        var signalFlats = signalNeeds.Select(s => s.FlatId).Distinct().ToList();
        var wanted = taskRows.Select(t => t.ResidentId).Concat(found.Select(f => f.ResidentId)).Distinct().ToList();
        var people = await residents
            .Where(r => (r.Tags & CareTags) != 0 || wanted.Contains(r.Id) || signalFlats.Contains(r.FlatId))
            .OrderBy(r => r.NeighborhoodId).ThenBy(r => r.FlatId).Take(MaxRegister + 1)
            .Select(r => new { r.Id, r.Name, r.Phone, r.FlatId, r.NeighborhoodId, r.CompoundId, r.Tags })
            .ToListAsync(cancellationToken);
        var truncated = people.Count > MaxRegister;
        people = [.. people.Take(MaxRegister)];
        var peopleFlats = people.Select(p => p.FlatId).Distinct().ToList();
        var contacts = new Dictionary<Guid, DateTime>();
        void Contact(Guid key, DateTime at)
        {
            if (!contacts.TryGetValue(key, out var known) || known < at)
            {
                contacts[key] = at;
            }
        }

        var since = now.AddDays(-30);
        foreach (var source in signals)
        {
            foreach (var pair in await source.ContactsAsync(db, peopleFlats, since, cancellationToken))
            {
                Contact(pair.Key, pair.Value);
            }
        }

        var ids = people.Select(p => p.Id).ToList();
        var logged = await db.Set<CareContact>().AsNoTracking().Where(x => ids.Contains(x.ResidentId) && x.At >= since && x.Outcome != "not_reached")
            .GroupBy(x => x.ResidentId).Select(g => new { g.Key, At = g.Max(x => x.At) }).ToListAsync(cancellationToken);
        var personal = logged.ToDictionary(x => x.Key, x => x.At);
        foreach (var t in taskRows.Where(t => t.DoneAt is not null || t.ConfirmedAt is not null))
        {
            var at = t.ConfirmedAt ?? t.DoneAt!.Value;
            if (!personal.TryGetValue(t.ResidentId, out var known) || known < at)
            {
                personal[t.ResidentId] = at;
            }
        }

        var addresses = await db.FlatAddressesAsync(peopleFlats, cancellationToken);
        var tasksOf = taskRows.ToLookup(t => t.ResidentId);
        var foundOf = found.ToLookup(f => f.ResidentId);
        var signalOf = signalNeeds.ToLookup(s => s.FlatId);
        var items = new List<RegisterEntry>();
        foreach (var p in people)
        {
            var needs = new List<RegisterNeed>();
            needs.AddRange(NeedTags.Split(p.Tags & CareTags).Select(t => new RegisterNeed(Code(t), "ledger", null)));
            foreach (var f in foundOf[p.Id])
            {
                needs.AddRange(NeedTags.Split(f.Tags & ~p.Tags).Select(t => new RegisterNeed(Code(t), "proposal", f.FoundAt)));
            }

            needs.AddRange(signalOf[p.FlatId].GroupBy(s => (s.Need, s.Source)).Select(g => new RegisterNeed(g.Key.Need, g.Key.Source, g.Max(s => s.At))));
            var mine = tasksOf[p.Id].ToList();
            var open = mine.Where(t => CareDesk.IsOpen(t.State)).ToList();
            var plans = mine.Where(t => t.Recurrence is not null && (CareDesk.IsOpen(t.State) || t.State == CareState.Done || !t.NextMade))
                .GroupBy(t => t.SeriesId).Select(g => g.OrderByDescending(t => t.Occurrence).First())
                .Select(t => new RegisterPlan(t.SeriesId, t.Id, CareDesk.Code(t.Kind), t.Recurrence!, t.DueAt, CareDesk.Code(t.State))).ToList();
            DateTime? last = new[] { personal.TryGetValue(p.Id, out var a) ? a : (DateTime?)null, contacts.TryGetValue(p.FlatId, out var b) ? b : null }.Max();
            items.Add(new RegisterEntry(p.Id, p.Name, caller.Phone(p.Phone), p.FlatId, addresses.GetValueOrDefault(p.FlatId, "—"), p.NeighborhoodId, p.CompoundId, needs, plans,
                open.Count, open.Count(t => t.DueAt < now), open.Count > 0 ? open.Min(t => t.DueAt) : null, last, last >= midnight));
        }

        var names = await db.Neighborhoods.AsNoTracking().ToDictionaryAsync(x => x.Id, x => x.Name, cancellationToken);
        var summary = items.GroupBy(i => i.NeighborhoodId)
            .Select(g => new RegisterNeighborhood(g.Key, names.GetValueOrDefault(g.Key, "—"), g.Count(), g.Count(i => !i.ContactedToday)))
            .OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
        var shown = (notContactedOnly ? items.Where(i => !i.ContactedToday) : items)
            .OrderByDescending(i => i.OverdueTasks).ThenBy(i => i.ContactedToday).ThenBy(i => i.Address, StringComparer.Ordinal).ToList();
        await db.AuditReadAsync("care-register", new { compoundId, neighborhoodId, notContactedOnly }, shown.Count, cancellationToken);
        return new CareRegisterView(compoundId, today, shown, summary, truncated);
    }

    /// <summary>Logs a call or a word at the door with a person of the register; the same id again is the first contact.</summary>
    public async Task<(CareContact? Contact, bool Created, CareFailure? Failure)> ContactAsync(ContactCommand body, CancellationToken cancellationToken)
    {
        if (body.Id is { } clientId && await db.Set<CareContact>().IgnoreQueryFilters().AsNoTracking()
                .SingleOrDefaultAsync(x => x.Id == clientId && x.SubdistrictId == caller.SubdistrictId, cancellationToken) is { } first)
        {
            return first.ResidentId == body.ResidentId ? (first, false, null) : (null, false, new CareFailure(CareErrors.IdReused, "id"));
        }

        var channel = body.Channel ?? "phone";
        if (!CareDesk.ContactChannels.Contains(channel))
        {
            return (null, false, new CareFailure(CareErrors.ContactInvalid, "channel"));
        }

        var outcome = body.Outcome ?? "well";
        if (!CareDesk.ContactOutcomes.Contains(outcome))
        {
            return (null, false, new CareFailure(CareErrors.ContactInvalid, "outcome"));
        }

        var (note, ok) = Reasons.Note(body.Note, 300);
        if (!ok)
        {
            return (null, false, new CareFailure(CareErrors.TextInvalid, "note"));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var at = body.At is { } raw ? time.FromClient(raw) : now;
        if (at > now.AddMinutes(5) || at < now.AddDays(-2))
        {
            return (null, false, new CareFailure(CareErrors.TimeInvalid, "at"));
        }

        if (body.ResidentId is not { } residentId
            || await db.Residents.AsNoTracking().SingleOrDefaultAsync(r => r.Id == residentId && r.Status != ResidenceStatus.MovedOut, cancellationToken) is not { } resident)
        {
            return (null, false, new CareFailure(CareErrors.ResidentNotFound, "residentId"));
        }

        var contact = new CareContact
        {
            Id = body.Id ?? Guid.CreateVersion7(),
            SubdistrictId = resident.SubdistrictId,
            NeighborhoodId = resident.NeighborhoodId,
            CompoundId = resident.CompoundId,
            FlatId = resident.FlatId,
            ResidentId = resident.Id,
            At = at,
            Channel = channel,
            Outcome = outcome,
            Note = note,
            By = caller.UserName,
        };
        db.Set<CareContact>().Add(contact);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return (null, false, new CareFailure(CareErrors.IdReused, "id"));
        }

        return (contact, true, null);
    }

    /// <summary>The API code of a need tag: <c>elderly_alone</c>, <c>bedridden</c>… (as a sweep's visit names them).</summary>
    public static string Code(NeedTag tag) => tag == NeedTag.Mobility ? "bedridden" : string.Concat(tag.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
