using System.ComponentModel.DataAnnotations;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger.Residents;

/// <summary>
/// Adds a resident to a flat or corrects one. The same rules as the import; a blank document number or
/// phone field keeps the stored (masked) value; a concurrent edit is refused, not overwritten.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.EditLedger))]
public sealed class EditModel(CordonDb db, Caller caller, Catalog catalog, LocalTime time, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? FlatId { get; set; }

    [BindProperty]
    [Display(Name = "field.Name")]
    public string Name { get; set; } = "";

    [BindProperty]
    public DocumentType DocumentType { get; set; }

    [BindProperty]
    public string? DocumentNumber { get; set; }

    [BindProperty]
    public string? Phone { get; set; }

    [BindProperty]
    public Sex Sex { get; set; }

    [BindProperty]
    public DateOnly? BirthDate { get; set; }

    [BindProperty]
    [StringLength(ResidentRules.RelationLength, ErrorMessage = "validation.max-length")]
    [Display(Name = "field.Relation")]
    public string? Relation { get; set; }

    [BindProperty]
    public ResidenceStatus Status { get; set; }

    [BindProperty]
    public DateOnly? StatusSince { get; set; }

    [BindProperty]
    public List<NeedTag> Tags { get; set; } = [];

    [BindProperty]
    [StringLength(ResidentRules.NotesLength, ErrorMessage = "validation.max-length")]
    [Display(Name = "field.Notes")]
    public string? Notes { get; set; }

    [BindProperty]
    public int Version { get; set; }

    public string Address { get; private set; } = "";

    public string? MaskedDocument { get; private set; }

    public string? MaskedPhone { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Id is { } id)
        {
            var resident = await db.Residents.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
            if (resident is null)
            {
                return NotFound();
            }

            Fill(resident);
            FlatId = resident.FlatId;
        }

        return await AddressAsync(cancellationToken) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Resident? resident = null;
        if (Id is { } id)
        {
            resident = await db.Residents.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
            if (resident is null)
            {
                return NotFound();
            }

            FlatId = resident.FlatId;
            MaskedDocument = Mask.IdNumber(resident.DocumentNumber);
            MaskedPhone = Mask.Phone(resident.Phone);
        }

        if (!await AddressAsync(cancellationToken))
        {
            return NotFound();
        }

        var today = DateOnly.FromDateTime(time.Now);
        var (name, nameError) = ResidentRules.Name(Name);
        AddError(nameof(Name), nameError);
        string? document = resident?.DocumentNumber;
        if (!string.IsNullOrWhiteSpace(DocumentNumber) || resident is null || resident.DocumentType != DocumentType)
        {
            var (value, error) = ResidentRules.Document(DocumentType, string.IsNullOrWhiteSpace(DocumentNumber) ? resident?.DocumentNumber : DocumentNumber, today, out var idCheck);
            AddError(nameof(DocumentNumber), error);
            document = value;
            if (idCheck is { IsValid: true } check)
            {
                BirthDate ??= check.BirthDate;
                Sex = Sex == Sex.Unknown ? check.Sex : Sex;
            }
        }

        string? phone = resident?.Phone;
        if (!string.IsNullOrWhiteSpace(Phone))
        {
            var (value, error) = ResidentRules.PhoneNumber(Phone);
            AddError(nameof(Phone), error);
            phone = value;
        }

        if (BirthDate > today)
        {
            AddError(nameof(BirthDate), LedgerErrors.DateInvalid);
        }

        if (document is not null && ModelState.IsValid)
        {
            var holder = await db.Residents.IgnoreQueryFilters()
                .Where(r => r.SubdistrictId == caller.SubdistrictId && r.DocumentType == DocumentType && r.DocumentNumber == document && r.Id != Id)
                .Select(r => new { r.FlatId })
                .FirstOrDefaultAsync(cancellationToken);
            if (holder is not null)
            {
                var where = await db.Flats.Where(f => f.Id == holder.FlatId)
                    .Join(db.Buildings, f => f.BuildingId, b => b.Id, (f, b) => new { b.Number, f.Entrance, f.Room, b.Entrances })
                    .SingleOrDefaultAsync(cancellationToken);
                // Where it is registered is said only inside the caller's jurisdiction; outside it, not even which neighborhood.
                ModelState.AddModelError(nameof(DocumentNumber), where is null
                    ? catalog.Message(LedgerErrors.DocumentUnavailable)
                    : catalog.Message(LedgerErrors.DocumentNumberTaken, Platform.Places.Address.Format(where.Number, where.Entrance, where.Room, where.Entrances)));
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (resident is null)
        {
            var flat = await db.Flats.SingleAsync(f => f.Id == FlatId, cancellationToken);
            var household = await db.Households.Where(h => h.FlatId == flat.Id).Select(h => (Guid?)h.Id).FirstOrDefaultAsync(cancellationToken);
            if (household is null)
            {
                var created = Household.Of(flat, now);
                db.Households.Add(created);
                household = created.Id;
            }

            flat.IsVacant = false;
            resident = new Resident
            {
                SubdistrictId = flat.SubdistrictId,
                NeighborhoodId = flat.NeighborhoodId,
                CompoundId = flat.CompoundId,
                BuildingId = flat.BuildingId,
                FlatId = flat.Id,
                HouseholdId = household.Value,
                SamplingCode = SamplingCodes.New(),
                CreatedAt = now,
            };
            db.Residents.Add(resident);
        }
        else
        {
            // The version the person saw: if someone saved in between, EF refuses the update.
            db.Entry(resident).Property(r => r.Version).OriginalValue = Version;
            resident.Version++;
        }

        resident.Name = name;
        resident.DocumentType = DocumentType;
        resident.DocumentNumber = document;
        resident.Phone = phone;
        resident.Sex = Sex;
        resident.BirthDate = BirthDate;
        resident.Relation = Relation?.Trim() ?? "";
        resident.Status = Status;
        resident.StatusSince = Status is ResidenceStatus.Away or ResidenceStatus.MovedOut ? StatusSince ?? today : StatusSince;
        resident.Tags = Tags.Aggregate(NeedTag.None, (all, t) => all | t);
        resident.Notes = Notes?.Trim() ?? "";
        resident.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            ModelState.AddModelError(string.Empty, catalog.Message(LedgerErrors.EditConflict));
            return Page();
        }

        return Redirect($"/Ledger/Residents/{resident.Id}");
    }

    private void Fill(Resident r)
    {
        Name = r.Name;
        DocumentType = r.DocumentType;
        MaskedDocument = Mask.IdNumber(r.DocumentNumber);
        MaskedPhone = caller.Can(Permission.SeePhones) ? r.Phone : Mask.Phone(r.Phone);
        Sex = r.Sex;
        BirthDate = r.BirthDate;
        Relation = r.Relation;
        Status = r.Status;
        StatusSince = r.StatusSince;
        Tags = [.. NeedTags.Split(r.Tags)];
        Notes = r.Notes;
        Version = r.Version;
    }

    private async Task<bool> AddressAsync(CancellationToken cancellationToken)
    {
        var place = await db.Flats.Where(f => f.Id == FlatId)
            .Join(db.Buildings, f => f.BuildingId, b => b.Id, (f, b) => new { b.Number, f.Entrance, f.Room, b.Entrances, f.CompoundId })
            .Join(db.Compounds, x => x.CompoundId, c => c.Id, (x, c) => new { x.Number, x.Entrance, x.Room, x.Entrances, c.Name })
            .SingleOrDefaultAsync(cancellationToken);
        if (place is null)
        {
            return false;
        }

        Address = $"{place.Name} {Platform.Places.Address.Format(place.Number, place.Entrance, place.Room, place.Entrances)}";
        return true;
    }

    private void AddError(string field, Error? error)
    {
        if (error is not null)
        {
            ModelState.AddModelError(field, catalog.Message(error));
        }
    }
}
