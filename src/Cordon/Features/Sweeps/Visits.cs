using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Sweeps;

/// <summary>How one ledger resident was found at the door. <c>phone</c> and <c>needs</c> are optional findings about them.</summary>
public sealed record PresenceItem(Guid ResidentId, string? Presence, DateOnly? Since, string? Where, string? Phone, List<string?>? Needs);

/// <summary>Someone living in the flat who is not in the ledger (<c>since</c>: when they arrived).</summary>
public sealed record NewPerson(string? Name, string? DocumentType, string? DocumentNumber, string? Phone, string? Relation, DateOnly? Since);

/// <summary>Someone who visited the flat in the last 14 days.</summary>
public sealed record VisitorItem(string? Name, string? Phone, string? Relation, DateOnly? Since);

/// <summary>A visit as the phone sends it (issue 13's contract), with the offline queue's device fields.</summary>
public sealed record VisitCommand(
    Guid Id, Guid? FlatId, string? Outcome, int? Occupants, List<PresenceItem?>? Residents, List<NewPerson?>? NewPeople, List<VisitorItem?>? Visitors,
    List<string?>? Needs, string? Note, DateTime? VisitedAt, string? DeviceId, long? DeviceSequence)
{
    /// <summary>What makes two sends "the same visit": what the team recorded, nothing the device adds.</summary>
    public string ContentHash()
    {
        var text = JsonSerializer.Serialize(this with { DeviceId = null, DeviceSequence = null, VisitedAt = VisitedAt?.ToUniversalTime() }, CordonDb.AuditJson);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <summary>The visit as the conflict inbox keeps it: without document numbers and phones (docs/decisions/009).</summary>
    public VisitCommand WithoutNumbers() => this with
    {
        NewPeople = NewPeople?.Select(p => p is null ? null : p with { DocumentNumber = null, Phone = null }).ToList(),
        Visitors = Visitors?.Select(v => v is null ? null : v with { Phone = null }).ToList(),
        Residents = Residents?.Select(r => r is null ? null : r with { Phone = null }).ToList(),
    };
}

public sealed record VisitView(
    Guid Id, Guid SweepId, Guid FlatId, string Outcome, int? Occupants, int Team, DateTime VisitedAt, DateTime RecordedAt, string RecordedBy, int Proposals);

/// <summary>A visit stored (201), stored before (200), or refused with a code, its arguments and where (<c>field</c>).</summary>
public sealed record VisitOutcomeResult(int Status, VisitView? Visit, Error? Error, object?[] Args, string? Field);

public static class VisitErrors
{
    public static readonly Error IdMissing = new("visit_id_missing");
    public static readonly Error IdReused = new("visit_id_reused", StatusCodes.Status409Conflict);
    public static readonly Error FlatNotInSweep = new("visit_flat_not_in_sweep", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error OutcomeInvalid = new("visit_outcome_invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error OccupantsInvalid = new("visit_occupants_invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error ResidentNotInFlat = new("visit_resident_not_in_flat", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error PresenceInvalid = new("visit_presence_invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error DocumentTypeInvalid = new("visit_document_type_invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error NeedInvalid = new("visit_need_invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error TextInvalid = new("visit_text_invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error DateInvalid = new("visit_date_invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error TimeInvalid = new("visit_time_invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error TooMany = new("visit_too_many", StatusCodes.Status422UnprocessableEntity);
    public static readonly Error ItemInvalid = new("visit_item_invalid");
    public static readonly Error BatchTooLarge = new("visit_batch_too_large");
}

/// <summary>
/// Stores sweep visits (one, or a batch from the offline queue) and files what they found that differs from the
/// ledger as proposals for a person to approve (Platform/People/Proposals). A visit is stored once per client id;
/// the same id again with the same content is the first record (200), with other content a 409. Bad input is
/// refused with its field (e.g. <c>newPeople[1].documentNumber</c>) and stores nothing, not even the visit.
/// </summary>
public sealed class VisitDesk(CordonDb db, Caller caller, Catalog catalog, LocalTime time, TimeProvider clock, Proposals proposals)
{
    public const int MaxBatch = 200;
    public const int MaxPeople = 30;

    /// <summary>Needs a team can tick at a door: the ledger's tags, and 缺药 (medicine), which only a visit knows.</summary>
    public static readonly IReadOnlyDictionary<string, NeedTag> NeedCodes = new Dictionary<string, NeedTag>(StringComparer.OrdinalIgnoreCase)
    {
        ["elderly_alone"] = NeedTag.ElderlyAlone,
        ["lives_alone"] = NeedTag.LivesAlone,
        ["ill"] = NeedTag.Ill,
        ["pregnant"] = NeedTag.Pregnant,
        ["bedridden"] = NeedTag.Mobility,
        ["mobility"] = NeedTag.Mobility,
        ["infant"] = NeedTag.Infant,
        ["disabled"] = NeedTag.Disabled,
        ["medicine"] = NeedTag.None,
    };

    private static readonly Dictionary<string, VisitOutcome> Outcomes = new(StringComparer.Ordinal)
    {
        ["answered"] = VisitOutcome.Answered,
        ["nobody_home"] = VisitOutcome.NobodyHome,
        ["refused"] = VisitOutcome.Refused,
        ["vacant"] = VisitOutcome.Vacant,
    };

    private static readonly HashSet<string> Presences = new(StringComparer.Ordinal) { "here", "away", "moved_out", "deceased" };

    public static string Code(VisitOutcome outcome) => outcome switch
    {
        VisitOutcome.NobodyHome => "nobody_home",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    /// <summary>A visit's 14-day findings and presence, as stored (no names, no numbers).</summary>
    public sealed record StoredPresence(Guid ResidentId, string Presence, DateOnly? Since, string? Where);

    public async Task<VisitOutcomeResult> RecordAsync(Sweep sweep, VisitCommand command, CancellationToken cancellationToken)
    {
        if (command.Id == Guid.Empty)
        {
            return Refuse(VisitErrors.IdMissing, "id");
        }

        var hash = command.ContentHash();
        if (await FirstAsync(command.Id, hash, cancellationToken) is { } first)
        {
            return first;
        }

        if (command.FlatId is not { } flatId || await FlatAsync(sweep, flatId, cancellationToken) is not { } flat)
        {
            return Refuse(VisitErrors.FlatNotInSweep, "flatId");
        }

        if (command.Outcome is null || !Outcomes.TryGetValue(command.Outcome, out var outcome))
        {
            return Refuse(VisitErrors.OutcomeInvalid, "outcome");
        }

        if (command.Occupants is not null and not (>= 0 and <= 50))
        {
            return Refuse(VisitErrors.OccupantsInvalid, "occupants");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var visitedAt = command.VisitedAt is { } at ? time.FromClient(at) : now;
        if (visitedAt > now.AddMinutes(10) || visitedAt < now.AddDays(-7))
        {
            return Refuse(VisitErrors.TimeInvalid, "visitedAt");
        }

        var (note, noteOk) = Reasons.Check(command.Note, 500);
        if (!noteOk && note.Length > 0)
        {
            return Refuse(VisitErrors.TextInvalid, "note");
        }

        var residents = command.Residents ?? [];
        var people = command.NewPeople ?? [];
        var visitors = command.Visitors ?? [];
        if (residents.Count > MaxPeople || people.Count > MaxPeople || visitors.Count > MaxPeople || (command.Needs?.Count ?? 0) > 20)
        {
            return Refuse(VisitErrors.TooMany, "residents", MaxPeople);
        }

        var day = DateOnly.FromDateTime(time.ToLocal(visitedAt));
        var (needs, needsField) = Needs(command.Needs, "needs");
        if (needsField is not null)
        {
            return Refuse(VisitErrors.NeedInvalid, needsField);
        }

        var ledger = await db.Residents.AsNoTracking()
            .Where(r => r.FlatId == flat.Id && r.Status != ResidenceStatus.MovedOut)
            .Select(r => new { r.Id, r.Status, r.Phone, r.Tags }).ToDictionaryAsync(r => r.Id, cancellationToken);
        var found = new List<LedgerProposal>();
        var label = catalog.Both("sweeps.source", sweep.Round, sweep.Label, flat.Team).Zh.Trim();
        void Propose(ProposalKind kind, Guid? residentId, Action<LedgerProposal>? fill = null)
        {
            var proposal = new LedgerProposal
            {
                SubdistrictId = flat.SubdistrictId,
                NeighborhoodId = flat.NeighborhoodId,
                CompoundId = flat.CompoundId,
                BuildingId = flat.BuildingId,
                FlatId = flat.Id,
                ResidentId = residentId,
                Kind = kind,
                Source = "sweep",
                SourceId = command.Id,
                SourceLabel = label.Length <= 100 ? label : label[..100],
                FoundAt = visitedAt,
                FoundBy = caller.UserName,
            };
            fill?.Invoke(proposal);
            found.Add(proposal);
        }

        var presence = new List<StoredPresence>();
        for (var i = 0; i < residents.Count; i++)
        {
            var field = $"residents[{i}]";
            if (residents[i] is not { } item)
            {
                return Refuse(VisitErrors.ItemInvalid, field);
            }

            if (!ledger.TryGetValue(item.ResidentId, out var known) || presence.Any(p => p.ResidentId == item.ResidentId))
            {
                return Refuse(VisitErrors.ResidentNotInFlat, field + ".residentId");
            }

            if (item.Presence is null || !Presences.Contains(item.Presence))
            {
                return Refuse(VisitErrors.PresenceInvalid, field + ".presence");
            }

            if (item.Since > day)
            {
                return Refuse(VisitErrors.DateInvalid, field + ".since");
            }

            var (where, whereOk) = Reasons.Check(item.Where, 100);
            if (!whereOk && where.Length > 0)
            {
                return Refuse(VisitErrors.TextInvalid, field + ".where");
            }

            var (phone, phoneError) = ResidentRules.PhoneNumber(item.Phone);
            if (phoneError is not null)
            {
                return Refuse(phoneError, field + ".phone");
            }

            var (tags, tagField) = Needs(item.Needs, field + ".needs");
            if (tagField is not null)
            {
                return Refuse(VisitErrors.NeedInvalid, tagField);
            }

            presence.Add(new StoredPresence(item.ResidentId, item.Presence, item.Since, where.Length > 0 ? where : null));
            if (outcome != VisitOutcome.Answered)
            {
                continue;
            }

            switch (item.Presence)
            {
                case "here" when known.Status == ResidenceStatus.Away:
                    Propose(ProposalKind.Back, known.Id);
                    break;
                case "away" when known.Status != ResidenceStatus.Away:
                    Propose(ProposalKind.Away, known.Id, p => (p.Since, p.Where) = (item.Since, where.Length > 0 ? where : null));
                    break;
                case "moved_out":
                    Propose(ProposalKind.MovedOut, known.Id, p => p.Since = item.Since);
                    break;
                case "deceased":
                    Propose(ProposalKind.Deceased, known.Id, p => p.Since = item.Since);
                    break;
            }

            if (phone is not null && phone != known.Phone)
            {
                Propose(ProposalKind.Phone, known.Id, p => p.Phone = phone);
            }

            if ((tags & ~known.Tags) != NeedTag.None)
            {
                Propose(ProposalKind.Needs, known.Id, p => p.Tags = tags & ~known.Tags);
            }
        }

        // Needs found for the flat as a whole belong to its one resident when it has one; otherwise they stay on the visit.
        if (outcome == VisitOutcome.Answered && ledger.Count == 1 && (needs & ~ledger.Values.Single().Tags) is var extra and not NeedTag.None)
        {
            Propose(ProposalKind.Needs, ledger.Keys.Single(), p => p.Tags = extra);
        }

        for (var i = 0; i < people.Count; i++)
        {
            var field = $"newPeople[{i}]";
            if (people[i] is not { } person)
            {
                return Refuse(VisitErrors.ItemInvalid, field);
            }

            var (name, nameError) = ResidentRules.Name(person.Name);
            if (nameError is not null)
            {
                return Refuse(nameError, field + ".name");
            }

            var type = Enum.TryParse<DocumentType>(person.DocumentType, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(person.DocumentType, out _)
                ? parsed : ResidentRules.DocumentTypeOf(person.DocumentType);
            if (type is null)
            {
                return Refuse(VisitErrors.DocumentTypeInvalid, field + ".documentType");
            }

            var (document, documentError) = ResidentRules.Document(type.Value, person.DocumentNumber, day, out _);
            if (documentError is not null)
            {
                return Refuse(documentError, field + ".documentNumber");
            }

            var (phone, phoneError) = ResidentRules.PhoneNumber(person.Phone);
            if (phoneError is not null)
            {
                return Refuse(phoneError, field + ".phone");
            }

            var (relation, relationOk) = Reasons.Check(person.Relation, ResidentRules.RelationLength);
            if (!relationOk && relation.Length > 0)
            {
                return Refuse(VisitErrors.TextInvalid, field + ".relation");
            }

            if (person.Since > day)
            {
                return Refuse(VisitErrors.DateInvalid, field + ".since");
            }

            Propose(ProposalKind.AddResident, null, p =>
            {
                p.Name = name;
                p.DocumentType = type.Value;
                p.DocumentNumber = document;
                p.Phone = phone;
                p.Relation = relation;
                p.Since = person.Since;
                p.Note = catalog.Both("sweeps.found-note", label).Zh;
            });
        }

        var guests = new List<VisitorItem>();
        for (var i = 0; i < visitors.Count; i++)
        {
            var field = $"visitors[{i}]";
            if (visitors[i] is not { } visitor)
            {
                return Refuse(VisitErrors.ItemInvalid, field);
            }

            var (name, nameError) = ResidentRules.Name(visitor.Name);
            if (nameError is not null)
            {
                return Refuse(nameError, field + ".name");
            }

            var (phone, phoneError) = ResidentRules.PhoneNumber(visitor.Phone);
            if (phoneError is not null)
            {
                return Refuse(phoneError, field + ".phone");
            }

            var (relation, relationOk) = Reasons.Check(visitor.Relation, ResidentRules.RelationLength);
            if ((!relationOk && relation.Length > 0) || visitor.Since > day)
            {
                return Refuse(visitor.Since > day ? VisitErrors.DateInvalid : VisitErrors.TextInvalid, field + (visitor.Since > day ? ".since" : ".relation"));
            }

            guests.Add(new VisitorItem(name, phone, relation, visitor.Since));
        }

        if (outcome == VisitOutcome.Vacant && !flat.IsVacant && ledger.Count == 0)
        {
            Propose(ProposalKind.Vacant, null);
        }

        var visit = new SweepVisit
        {
            Id = command.Id,
            SubdistrictId = flat.SubdistrictId,
            NeighborhoodId = flat.NeighborhoodId,
            CompoundId = flat.CompoundId,
            BuildingId = flat.BuildingId,
            FlatId = flat.Id,
            SweepId = sweep.Id,
            Round = sweep.Round,
            Team = flat.Team,
            Outcome = outcome,
            Occupants = command.Occupants,
            Presence = JsonSerializer.Serialize(presence, CordonDb.AuditJson),
            NewPeople = people.Count,
            Visitors = JsonSerializer.Serialize(guests, CordonDb.AuditJson),
            VisitorCount = guests.Count,
            Needs = needs,
            NeedsMedicine = outcome == VisitOutcome.Answered && (command.Needs?.Any(IsMedicine) == true || residents.Any(r => r?.Needs?.Any(IsMedicine) == true)),
            Note = note,
            VisitedAt = visitedAt,
            RecordedAt = now,
            RecordedBy = caller.UserName,
            DeviceId = command.DeviceId is { Length: <= 64 } device ? device : null,
            DeviceSequence = command.DeviceSequence,
            Fingerprint = hash,
        };
        db.Set<SweepVisit>().Add(visit);
        await proposals.FileAsync(found, cancellationToken);
        var filed = db.ChangeTracker.Entries<LedgerProposal>().Count(e => e.State == EntityState.Added);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same visit from two tabs at once: the first one stored is the answer.
            Forget();
            return await FirstAsync(command.Id, hash, cancellationToken) ?? Refuse(VisitErrors.IdReused, "id");
        }

        Forget();
        return new VisitOutcomeResult(StatusCodes.Status201Created, View(visit, filed), null, [], null);
    }

    /// <summary>Only what visits added leaves the unit of work: a caller's own tracked rows (an inbox conflict being closed) stay.</summary>
    private void Forget()
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is SweepVisit or LedgerProposal).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    private async Task<VisitOutcomeResult?> FirstAsync(Guid id, string hash, CancellationToken cancellationToken)
    {
        var first = await db.Set<SweepVisit>().IgnoreQueryFilters().AsNoTracking()
            .Where(v => v.Id == id && v.SubdistrictId == caller.SubdistrictId).SingleOrDefaultAsync(cancellationToken);
        if (first is null)
        {
            return null;
        }

        if (first.Fingerprint != hash)
        {
            return Refuse(VisitErrors.IdReused, "id");
        }

        var filed = await db.Set<LedgerProposal>().IgnoreQueryFilters().CountAsync(p => p.Source == "sweep" && p.SourceId == id, cancellationToken);
        return new VisitOutcomeResult(StatusCodes.Status200OK, View(first, filed), null, [], null);
    }

    private sealed record VisitFlat(Guid Id, Guid SubdistrictId, Guid NeighborhoodId, Guid CompoundId, Guid BuildingId, bool IsVacant, int Team);

    /// <summary>The flat when it lies in one of the sweep's entrances and in the caller's jurisdiction, with the team that has it.</summary>
    private async Task<VisitFlat?> FlatAsync(Sweep sweep, Guid flatId, CancellationToken cancellationToken) =>
        await db.Flats.AsNoTracking().Where(f => f.Id == flatId)
            .Join(db.Set<SweepEntrance>().Where(e => e.SweepId == sweep.Id), f => new { f.BuildingId, f.Entrance }, e => new { e.BuildingId, e.Entrance },
                (f, e) => new VisitFlat(f.Id, f.SubdistrictId, f.NeighborhoodId, f.CompoundId, f.BuildingId, f.IsVacant, e.Team))
            .SingleOrDefaultAsync(cancellationToken);

    private static bool IsMedicine(string? code) => string.Equals(code, "medicine", StringComparison.OrdinalIgnoreCase);

    private static (NeedTag Tags, string? Field) Needs(List<string?>? codes, string field)
    {
        var tags = NeedTag.None;
        for (var i = 0; i < (codes?.Count ?? 0); i++)
        {
            if (codes![i] is not { } code || !NeedCodes.TryGetValue(code, out var tag))
            {
                return (tags, $"{field}[{i}]");
            }

            tags |= tag;
        }

        return (tags, null);
    }

    private static VisitOutcomeResult Refuse(Error error, string field, params object?[] args) =>
        new(error.Status, null, error, args.Length == 0 ? [field] : [field, .. args], field);

    private static VisitView View(SweepVisit v, int proposals) =>
        new(v.Id, v.SweepId, v.FlatId, Code(v.Outcome), v.Occupants, v.Team, v.VisitedAt, v.RecordedAt, v.RecordedBy, proposals);
}
