using System.Globalization;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.People;

/// <summary>One field of a proposal as a person reads it: what the ledger says now and what it would say.</summary>
public sealed record ProposalChange(string Field, string Label, string? Before, string? After);

public sealed record ProposalView(
    Guid Id, string Kind, string KindText, ProposalStatus Status, Guid FlatId, string Address, Guid? ResidentId, string? ResidentName,
    IReadOnlyList<ProposalChange> Changes, string Note, string Source, Guid SourceId, string SourceLabel, DateTime FoundAt, string FoundBy,
    DateTime? DecidedAt, string? DecidedBy, string? Reason, Guid? ResultResidentId, int Version);

/// <summary>Why a proposal cannot be decided. Texts: <c>error.{code}</c> in People.strings.json.</summary>
public static class ProposalErrors
{
    public static readonly Error NotFound = new("proposal_not_found", StatusCodes.Status404NotFound);
    public static readonly Error Decided = new("proposal_decided", StatusCodes.Status409Conflict);
    public static readonly Error Changed = new("proposal_changed", StatusCodes.Status409Conflict);
    public static readonly Error ResidentGone = new("proposal_resident_gone", StatusCodes.Status409Conflict);
    public static readonly Error DocumentTaken = new("proposal_document_taken", StatusCodes.Status409Conflict);
    public static readonly Error ReasonInvalid = new("proposal_reason_invalid");
    public static readonly Error StatusInvalid = new("proposal_status_invalid");
    public static readonly Error FlatNotFound = new("proposal_flat_not_found", StatusCodes.Status404NotFound);
}

/// <summary>What became of one proposal when a flat's proposals were approved together.</summary>
public sealed record FlatApproval(LedgerProposal Proposal, Error? Error);

/// <summary>
/// The ledger's side of findings from the field (docs/decisions/015): features file <see cref="LedgerProposal"/>s
/// with <see cref="File"/>; a person with <see cref="Permission.EditLedger"/> in the flat's jurisdiction approves
/// (the change is applied with the ledger's rules, and audited as every ledger write is) or rejects with a reason.
/// </summary>
public sealed class Proposals(CordonDb db, Caller caller, Catalog catalog, LocalTime time, TimeProvider clock)
{
    public const int MaxList = 500;

    /// <summary>
    /// Adds the findings to the unit of work (the caller saves, with its own record), leaving out what the ledger
    /// already says and what an open proposal already proposes, so three rounds finding the same thing make one.
    /// </summary>
    public async Task FileAsync(IReadOnlyList<LedgerProposal> found, CancellationToken cancellationToken)
    {
        if (found.Count == 0)
        {
            return;
        }

        var flats = found.Select(p => p.FlatId).Distinct().ToList();
        var open = await db.Set<LedgerProposal>().IgnoreQueryFilters().AsNoTracking()
            .Where(p => p.SubdistrictId == caller.SubdistrictId && flats.Contains(p.FlatId) && p.Status == ProposalStatus.Open)
            .Select(p => new { p.FlatId, p.Kind, p.ResidentId, p.Name, p.Phone, p.Tags }).ToListAsync(cancellationToken);
        foreach (var p in found)
        {
            if (open.Any(o => o.FlatId == p.FlatId && o.Kind == p.Kind && o.ResidentId == p.ResidentId
                && (p.Kind != ProposalKind.AddResident || o.Name == p.Name) && (p.Kind != ProposalKind.Phone || o.Phone == p.Phone)
                && (p.Kind != ProposalKind.Needs || (p.Tags & ~o.Tags) == 0)))
            {
                continue;
            }

            open.Add(new { p.FlatId, p.Kind, p.ResidentId, p.Name, p.Phone, p.Tags });
            db.Set<LedgerProposal>().Add(p);
        }
    }

    /// <summary><c>open</c>, <c>approved</c> or <c>rejected</c> (any case); nothing means open.</summary>
    public static (ProposalStatus Status, Error? Error) ParseStatus(string? raw) => raw?.Trim().ToLowerInvariant() switch
    {
        null or "" or "open" => (ProposalStatus.Open, null),
        "approved" => (ProposalStatus.Approved, null),
        "rejected" => (ProposalStatus.Rejected, null),
        _ => (ProposalStatus.Open, ProposalErrors.StatusInvalid),
    };

    /// <summary>
    /// Proposals in the caller's jurisdiction: open ones by flat in the order they were found (the order they are
    /// approved in), decided ones the latest decision first.
    /// </summary>
    public IQueryable<LedgerProposal> List(ProposalStatus? status, Guid? compoundId = null, Guid? flatId = null)
    {
        var query = db.Set<LedgerProposal>().AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(p => p.Status == s);
        }

        if (compoundId is { } compound)
        {
            query = query.Where(p => p.CompoundId == compound);
        }

        if (flatId is { } flat)
        {
            query = query.Where(p => p.FlatId == flat);
        }

        return status is ProposalStatus.Approved or ProposalStatus.Rejected
            ? query.OrderByDescending(p => p.DecidedAt).ThenBy(p => p.Id)
            : query.OrderBy(p => p.CompoundId).ThenBy(p => p.FlatId).ThenBy(p => p.FoundAt).ThenBy(p => p.Id);
    }

    /// <summary>The proposals with their before/after, as the caller may see them (numbers masked); audited as a bulk read.</summary>
    public async Task<List<ProposalView>> ViewAsync(IQueryable<LedgerProposal> query, CancellationToken cancellationToken)
    {
        var proposals = await query.Take(MaxList).ToListAsync(cancellationToken);
        var flatIds = proposals.Select(p => p.FlatId).Distinct().ToList();
        var residentIds = proposals.Where(p => p.ResidentId is not null).Select(p => p.ResidentId!.Value).Distinct().ToList();
        var places = await db.Flats.AsNoTracking().Where(f => flatIds.Contains(f.Id))
            .Join(db.Buildings, f => f.BuildingId, b => b.Id, (f, b) => new { f.Id, f.IsVacant, b.Number, f.Entrance, f.Room, b.Entrances, b.CompoundId })
            .Join(db.Compounds, x => x.CompoundId, c => c.Id, (x, c) => new { x.Id, x.IsVacant, Address = c.Name + " " + Address.Format(x.Number, x.Entrance, x.Room, x.Entrances) })
            .ToDictionaryAsync(x => x.Id, cancellationToken);
        var residents = await db.Residents.AsNoTracking().Where(r => residentIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        var views = proposals.Select(p =>
        {
            var resident = p.ResidentId is { } id && residents.TryGetValue(id, out var r) ? r : null;
            var place = places.GetValueOrDefault(p.FlatId);
            return new ProposalView(p.Id, Kebab(p.Kind), T("proposal.kind." + Kebab(p.Kind)), p.Status, p.FlatId, place?.Address ?? "—", p.ResidentId, resident?.Name,
                Changes(p, resident, place?.IsVacant ?? false), p.Note, p.Source, p.SourceId, p.SourceLabel, p.FoundAt, p.FoundBy, p.DecidedAt, p.DecidedBy, p.Reason,
                p.ResultResidentId, p.Version);
        }).ToList();
        if (views.Count > 0)
        {
            await db.AuditReadAsync("ledger-proposals", new { count = views.Count }, views.Count, cancellationToken);
        }

        return views;
    }

    public Task<LedgerProposal?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Set<LedgerProposal>().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);

    /// <summary>Applies the proposal to the ledger and closes it, in one save; the audit log keeps both.</summary>
    public async Task<(LedgerProposal? Proposal, Error? Error)> ApproveAsync(Guid id, int? version, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, cancellationToken) is not { } proposal)
        {
            return (null, ProposalErrors.NotFound);
        }

        if (proposal.Status != ProposalStatus.Open)
        {
            return (proposal, ProposalErrors.Decided);
        }

        if (version is { } seen && seen != proposal.Version)
        {
            return (proposal, ProposalErrors.Changed);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (await ApplyAsync(proposal, now, cancellationToken) is { } error)
        {
            db.ChangeTracker.Clear();
            return (proposal, error);
        }

        proposal.Status = ProposalStatus.Approved;
        proposal.DecidedAt = now;
        proposal.DecidedBy = caller.UserName;
        proposal.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return (proposal, null);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return (proposal, ProposalErrors.Changed);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return (proposal, ProposalErrors.DocumentTaken);
        }
    }

    /// <summary>
    /// Approves every open proposal of one flat, in the order they were found, each on its own: one that cannot be
    /// applied (a document number already registered, a resident gone) is reported and the others still go through.
    /// </summary>
    public async Task<(List<FlatApproval> Results, Error? Error)> ApproveFlatAsync(Guid flatId, CancellationToken cancellationToken)
    {
        if (!await db.Flats.AnyAsync(f => f.Id == flatId, cancellationToken))
        {
            return ([], ProposalErrors.FlatNotFound);
        }

        var open = await List(ProposalStatus.Open, flatId: flatId).Select(p => p.Id).Take(MaxList).ToListAsync(cancellationToken);
        var results = new List<FlatApproval>(open.Count);
        foreach (var id in open)
        {
            var (proposal, error) = await ApproveAsync(id, null, cancellationToken);
            if (proposal is not null)
            {
                results.Add(new FlatApproval(proposal, error));
            }
        }

        return (results, null);
    }

    public async Task<(LedgerProposal? Proposal, Error? Error)> RejectAsync(Guid id, string? reason, int? version, CancellationToken cancellationToken)
    {
        var (text, ok) = Reasons.Check(reason, 200);
        if (!ok)
        {
            return (null, ProposalErrors.ReasonInvalid);
        }

        if (await FindAsync(id, cancellationToken) is not { } proposal)
        {
            return (null, ProposalErrors.NotFound);
        }

        if (proposal.Status != ProposalStatus.Open)
        {
            return (proposal, ProposalErrors.Decided);
        }

        if (version is { } seen && seen != proposal.Version)
        {
            return (proposal, ProposalErrors.Changed);
        }

        proposal.Status = ProposalStatus.Rejected;
        proposal.Reason = text;
        proposal.DecidedAt = clock.GetUtcNow().UtcDateTime;
        proposal.DecidedBy = caller.UserName;
        proposal.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return (proposal, null);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return (proposal, ProposalErrors.Changed);
        }
    }

    private async Task<Error?> ApplyAsync(LedgerProposal p, DateTime now, CancellationToken cancellationToken)
    {
        if (p.Kind == ProposalKind.Vacant)
        {
            var flat = await db.Flats.SingleAsync(f => f.Id == p.FlatId, cancellationToken);
            flat.IsVacant = true;
            return null;
        }

        if (p.Kind == ProposalKind.AddResident)
        {
            return await AddResidentAsync(p, now, cancellationToken);
        }

        var resident = await db.Residents.SingleOrDefaultAsync(r => r.Id == p.ResidentId, cancellationToken);
        if (resident is null || (resident.Status == ResidenceStatus.MovedOut && p.Kind != ProposalKind.Back))
        {
            return ProposalErrors.ResidentGone;
        }

        switch (p.Kind)
        {
            case ProposalKind.Away:
                resident.Status = ResidenceStatus.Away;
                resident.StatusSince = p.Since ?? DateOnly.FromDateTime(time.ToLocal(p.FoundAt));
                resident.Notes = WithNote(resident.Notes, p.Where is { Length: > 0 } where ? T("proposal.note.away", where) : null);
                break;
            case ProposalKind.Back:
                resident.Status = ResidenceStatus.Resident;
                resident.StatusSince = DateOnly.FromDateTime(time.ToLocal(p.FoundAt));
                break;
            case ProposalKind.MovedOut:
                resident.Status = ResidenceStatus.MovedOut;
                resident.StatusSince = p.Since ?? DateOnly.FromDateTime(time.ToLocal(p.FoundAt));
                break;
            case ProposalKind.Deceased:
                resident.Status = ResidenceStatus.MovedOut;
                resident.StatusSince = p.Since ?? DateOnly.FromDateTime(time.ToLocal(p.FoundAt));
                resident.Notes = WithNote(resident.Notes, catalog.Both("proposal.note.deceased").Zh);
                break;
            case ProposalKind.Phone:
                var (phone, phoneError) = ResidentRules.PhoneNumber(p.Phone);
                if (phoneError is not null || phone is null)
                {
                    return phoneError ?? PeopleErrors.PhoneInvalid;
                }

                resident.Phone = phone;
                break;
            case ProposalKind.Needs:
                resident.Tags |= p.Tags;
                break;
        }

        resident.UpdatedAt = now;
        resident.Version++;
        return null;
    }

    private async Task<Error?> AddResidentAsync(LedgerProposal p, DateTime now, CancellationToken cancellationToken)
    {
        // The ledger's own rules, as the edit page and the import apply them: what a door-side form let through
        // does not reach the ledger unchecked.
        var (name, nameError) = ResidentRules.Name(p.Name);
        var (number, documentError) = ResidentRules.Document(p.DocumentType, p.DocumentNumber, time.Today, out var check);
        var (phone, phoneError) = ResidentRules.PhoneNumber(p.Phone);
        if ((nameError ?? documentError ?? phoneError) is { } invalid)
        {
            return invalid;
        }

        if (number is not null && await db.Residents.IgnoreQueryFilters()
                .AnyAsync(r => r.SubdistrictId == p.SubdistrictId && r.DocumentType == p.DocumentType && r.DocumentNumber == number, cancellationToken))
        {
            return ProposalErrors.DocumentTaken;
        }

        var flat = await db.Flats.SingleAsync(f => f.Id == p.FlatId, cancellationToken);
        var household = await db.Households.Where(h => h.FlatId == flat.Id).Select(h => (Guid?)h.Id).FirstOrDefaultAsync(cancellationToken);
        if (household is null)
        {
            var created = Household.Of(flat, now);
            db.Households.Add(created);
            household = created.Id;
        }

        flat.IsVacant = false;
        var relation = Text.Clean(p.Relation);
        var resident = new Resident
        {
            SubdistrictId = flat.SubdistrictId,
            NeighborhoodId = flat.NeighborhoodId,
            CompoundId = flat.CompoundId,
            BuildingId = flat.BuildingId,
            FlatId = flat.Id,
            HouseholdId = household.Value,
            Name = name,
            DocumentType = p.DocumentType,
            DocumentNumber = number,
            Phone = phone,
            Sex = check is { IsValid: true } valid ? valid.Sex : Sex.Unknown,
            BirthDate = check is { IsValid: true } born ? born.BirthDate : null,
            Relation = relation,
            Status = relation.Contains('租', StringComparison.Ordinal) ? ResidenceStatus.Tenant : ResidenceStatus.Resident,
            StatusSince = p.Since,
            Tags = p.Tags,
            Notes = p.Note.Length > ResidentRules.NotesLength ? p.Note[..ResidentRules.NotesLength] : p.Note,
            SamplingCode = SamplingCodes.New(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Residents.Add(resident);
        p.ResultResidentId = resident.Id;
        return null;
    }

    private List<ProposalChange> Changes(LedgerProposal p, Resident? r, bool vacant)
    {
        string Status(ResidenceStatus s) => T(NeedTags.Key(s));
        string Tags(NeedTag tags) => tags == NeedTag.None ? "—" : string.Join("、", NeedTags.Split(tags).Select(t => T(NeedTags.Key(t))));
        var since = p.Since is { } d ? " " + T("proposal.since", d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : "";
        var now = r is null ? null : Status(r.Status);
        return p.Kind switch
        {
            ProposalKind.AddResident =>
            [
                Change("name", null, p.Name),
                Change("document", null, p.DocumentNumber is null ? null : T(NeedTags.Key(p.DocumentType)) + " " + Mask.IdNumber(p.DocumentNumber)),
                Change("phone", null, caller.Phone(p.Phone)),
                Change("relation", null, p.Relation),
                Change("since", null, p.Since?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                .. p.Tags == NeedTag.None ? Array.Empty<ProposalChange>() : [Change("tags", null, Tags(p.Tags))],
            ],
            ProposalKind.Away => [Change("status", now, Status(ResidenceStatus.Away) + since + (p.Where is { Length: > 0 } w ? " · " + w : ""))],
            ProposalKind.Back => [Change("status", now, Status(ResidenceStatus.Resident))],
            ProposalKind.MovedOut => [Change("status", now, Status(ResidenceStatus.MovedOut) + since)],
            ProposalKind.Deceased => [Change("status", now, T("proposal.deceased") + since)],
            ProposalKind.Phone => [Change("phone", caller.Phone(r?.Phone), caller.Phone(p.Phone))],
            ProposalKind.Needs => [Change("tags", r is null ? null : Tags(r.Tags), Tags((r?.Tags ?? NeedTag.None) | p.Tags))],
            ProposalKind.Vacant => [Change("vacant", T(vacant ? "proposal.flat-vacant" : "proposal.flat-lived-in"), T("proposal.flat-vacant"))],
            _ => [],
        };
    }

    private ProposalChange Change(string field, string? before, string? after) => new(field, T("proposal.field." + field), before, after);

    private static string WithNote(string notes, string? note)
    {
        if (string.IsNullOrEmpty(note))
        {
            return notes;
        }

        var joined = notes.Length == 0 ? note : notes + "；" + note;
        return joined.Length <= ResidentRules.NotesLength ? joined : joined[..ResidentRules.NotesLength];
    }

    public static string Kebab(ProposalKind kind) => kind switch
    {
        ProposalKind.AddResident => "add_resident",
        ProposalKind.MovedOut => "moved_out",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private string T(string key, params object?[] args) => catalog.Text(key, args);
}
