using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Places;

namespace Cordon.Platform.People;

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
    string Relation)
{
    /// <summary>Whole years on the day the row was masked (<see cref="Disclosure.Masked"/>); the birth date may be withheld.</summary>
    public int? Age { get; init; }
}

public static class PeopleQueries
{
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
}
