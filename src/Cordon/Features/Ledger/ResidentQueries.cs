using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger;

/// <summary>A resident as lists show them: masked as the caller's role requires.</summary>
public sealed record ResidentRow(
    Guid Id,
    string Name,
    DocumentType DocumentType,
    string? DocumentNumber,
    string? Phone,
    string Address,
    string Compound,
    Guid CompoundId,
    Guid BuildingId,
    Guid FlatId,
    Guid HouseholdId,
    ResidenceStatus Status,
    NeedTag Tags,
    Sex Sex,
    DateOnly? BirthDate,
    string Relation);

public sealed record ResidentSearch(Guid? CompoundId = null, Guid? BuildingId = null, Guid? FlatId = null, string? Q = null, NeedTag? Tag = null, bool IncludeMovedOut = false);

public static class ResidentQueries
{
    /// <summary>
    /// Residents within the caller's jurisdiction (the query filter), narrowed by the search. The
    /// text box takes a name, a phone or its last four digits, a document number or an address.
    /// </summary>
    public static IQueryable<Resident> Search(this CordonDb db, ResidentSearch search)
    {
        var query = db.Residents.AsNoTracking();
        if (!search.IncludeMovedOut)
        {
            query = query.Where(r => r.Status != ResidenceStatus.MovedOut);
        }

        if (search.CompoundId is { } compound)
        {
            query = query.Where(r => r.CompoundId == compound);
        }

        if (search.BuildingId is { } building)
        {
            query = query.Where(r => r.BuildingId == building);
        }

        if (search.FlatId is { } flat)
        {
            query = query.Where(r => r.FlatId == flat);
        }

        if (search.Tag is { } tag and not NeedTag.None)
        {
            query = query.Where(r => (r.Tags & tag) != 0);
        }

        var q = search.Q?.Trim();
        if (string.IsNullOrEmpty(q))
        {
            return query;
        }

        var digits = Phone.Normalize(q);
        var document = IdNumber.Normalize(q);
        if (q.Length == 4 && q.All(char.IsAsciiDigit))
        {
            var rooms = db.Flats.Where(f => f.Room == q).Select(f => f.Id);
            return query.Where(r => (r.Phone != null && r.Phone.EndsWith(q)) || rooms.Contains(r.FlatId));
        }

        if (q.Length == 3 && q.All(char.IsAsciiDigit))
        {
            var rooms = db.Flats.Where(f => f.Room == q).Select(f => f.Id);
            return query.Where(r => rooms.Contains(r.FlatId));
        }

        if (digits.Length == 11 && digits.All(char.IsAsciiDigit) && digits[0] == '1')
        {
            return query.Where(r => r.Phone == digits);
        }

        if (document.Length >= 15 && document.All(c => char.IsAsciiDigit(c) || c == 'X'))
        {
            return query.Where(r => r.DocumentNumber == document);
        }

        if (!q.All(char.IsAsciiDigit) && Address.TryParse(q) is { } address)
        {
            var flats = db.Flats.Where(f => f.Room == address.Room && (address.Entrance == null || f.Entrance == address.Entrance))
                .Join(db.Buildings.Where(b => b.Number == address.Building), f => f.BuildingId, b => b.Id, (f, _) => f.Id);
            return query.Where(r => flats.Contains(r.FlatId));
        }

        return query.Where(r => r.Name.Contains(q));
    }

    /// <summary>One page of rows in address order, masked as the caller's role requires.</summary>
    public static async Task<(List<ResidentRow> Rows, int Total)> PageAsync(
        this CordonDb db, IQueryable<Resident> residents, int page, int pageSize, Caller caller, CancellationToken cancellationToken = default)
    {
        var total = await residents.CountAsync(cancellationToken);
        var rows = await db.Rows(residents).Skip((Math.Max(page, 1) - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return ([.. rows.Select(r => r.Masked(caller))], total);
    }

    /// <summary>Rows with their address, in address order, unmasked: mask before showing.</summary>
    public static IQueryable<ResidentRow> Rows(this CordonDb db, IQueryable<Resident> residents) => residents
        .Join(db.Flats, r => r.FlatId, f => f.Id, (r, f) => new { r, f })
        .Join(db.Buildings, x => x.r.BuildingId, b => b.Id, (x, b) => new { x.r, x.f, b })
        .Join(db.Compounds, x => x.r.CompoundId, c => c.Id, (x, c) => new { x.r, x.f, x.b, c })
        .OrderBy(x => x.c.Name).ThenBy(x => x.b.SortKey).ThenBy(x => x.b.Number).ThenBy(x => x.f.Entrance)
        .ThenBy(x => x.f.Floor).ThenBy(x => x.f.Room).ThenBy(x => x.r.Name)
        .Select(x => new ResidentRow(
            x.r.Id, x.r.Name, x.r.DocumentType, x.r.DocumentNumber, x.r.Phone,
            Address.Format(x.b.Number, x.f.Entrance, x.f.Room, x.b.Entrances),
            x.c.Name, x.r.CompoundId, x.r.BuildingId, x.r.FlatId, x.r.HouseholdId, x.r.Status, x.r.Tags, x.r.Sex, x.r.BirthDate, x.r.Relation));

    public static ResidentRow Masked(this ResidentRow row, Caller caller) => row with
    {
        DocumentNumber = Mask.IdNumber(row.DocumentNumber),
        Phone = caller.Can(Permission.SeePhones) ? row.Phone : Mask.Phone(row.Phone),
    };
}

public static class Ages
{
    public static int Of(DateOnly birth, DateOnly today) =>
        today.Year - birth.Year - (today < birth.AddYears(today.Year - birth.Year) ? 1 : 0);
}
