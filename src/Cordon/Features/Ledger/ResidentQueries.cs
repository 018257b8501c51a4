using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Ledger;

public sealed record ResidentSearch(Guid? CompoundId = null, Guid? BuildingId = null, Guid? FlatId = null, string? Q = null, NeedTag? Tag = null, bool IncludeMovedOut = false);

/// <summary>What the text of a search was taken as; recorded in the audit line, never the text itself.</summary>
public enum SearchKind
{
    List,
    Name,
    Room,
    Address,
    PhoneTail,
    Phone,
    Document,
}

/// <summary>A search ready to run, or refused (a masked role typed an ID number or phone digits).</summary>
public sealed record SearchQuery(IQueryable<Resident> Residents, SearchKind Kind, Error? Refused);

public static class ResidentQueries
{
    /// <summary>
    /// Residents within the caller's jurisdiction (the query filter), narrowed by the search. The text box takes a
    /// name, a room, an address, and, for roles that may reveal, a phone or its last four digits or a document number
    /// (docs/decisions/009: for masked roles a number search would be an oracle for the masked digits).
    /// </summary>
    public static SearchQuery Search(this CordonDb db, ResidentSearch search, Caller caller)
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
            return new(query, SearchKind.List, null);
        }

        var numbers = caller.MaySearchByNumber();
        var digits = Phone.Normalize(q);
        var document = IdNumber.Normalize(q);
        if (q.Length is 3 or 4 && q.All(char.IsAsciiDigit))
        {
            var rooms = db.Flats.Where(f => f.Room == q).Select(f => f.Id);
            return q.Length == 4 && numbers
                ? new(query.Where(r => (r.Phone != null && r.Phone.EndsWith(q)) || rooms.Contains(r.FlatId)), SearchKind.PhoneTail, null)
                : new(query.Where(r => rooms.Contains(r.FlatId)), SearchKind.Room, null);
        }

        if (digits.Length == 11 && digits.All(char.IsAsciiDigit) && digits[0] == '1')
        {
            return numbers ? new(query.Where(r => r.Phone == digits), SearchKind.Phone, null) : new(query.Where(_ => false), SearchKind.Phone, LedgerErrors.NumberSearchNotAllowed);
        }

        if (document.Length >= 6 && document.Count(char.IsAsciiDigit) >= 6 && document.All(c => char.IsAsciiDigit(c) || c == 'X' || c == '*'))
        {
            // Any run of six or more digits is (part of) a number: masked roles may not probe it, whole or in part.
            return numbers && document.Length >= 15 && !document.Contains('*', StringComparison.Ordinal)
                ? new(query.Where(r => r.DocumentNumber == document), SearchKind.Document, null)
                : new(query.Where(_ => false), SearchKind.Document, numbers ? LedgerErrors.PartialNumberSearch : LedgerErrors.NumberSearchNotAllowed);
        }

        if (!q.All(char.IsAsciiDigit) && Address.TryParse(q) is { } address)
        {
            var flats = db.Flats.Where(f => f.Room == address.Room && (address.Entrance == null || f.Entrance == address.Entrance))
                .Join(db.Buildings.Where(b => b.Number == address.Building), f => f.BuildingId, b => b.Id, (f, _) => f.Id);
            return new(query.Where(r => flats.Contains(r.FlatId)), SearchKind.Address, null);
        }

        if (q.Count(char.IsAsciiDigit) >= 5)
        {
            return new(query.Where(_ => false), SearchKind.Document, numbers ? LedgerErrors.PartialNumberSearch : LedgerErrors.NumberSearchNotAllowed);
        }

        return new(query.Where(r => r.Name.Contains(q)), SearchKind.Name, null);
    }

    /// <summary>One page of rows in address order, masked as the caller's role requires.</summary>
    public static async Task<(List<ResidentRow> Rows, int Total)> PageAsync(
        this CordonDb db, IQueryable<Resident> residents, int page, int pageSize, Caller caller, DateOnly today, CancellationToken cancellationToken = default)
    {
        var total = await residents.CountAsync(cancellationToken);
        var rows = await db.Rows(residents).Skip((Math.Max(page, 1) - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return ([.. rows.Select(r => r.Masked(caller, today))], total);
    }
}
