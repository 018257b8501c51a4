using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger;

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
}
