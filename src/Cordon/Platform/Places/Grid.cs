using Cordon.Platform.Data;
using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Places;

/// <summary>
/// 楼栋图: a building as floors (top to bottom) × flats, one reusable model. Later features colour
/// the same cells by test status, visits or lockdown through <see cref="GridMark"/>.
/// </summary>
public sealed record BuildingGrid(
    Guid BuildingId,
    string Building,
    string Compound,
    Guid CompoundId,
    int Floors,
    int Entrances,
    bool HasElevator,
    IReadOnlyList<GridFloor> Rows,
    int Residents,
    int Flats);

public sealed record GridFloor(int Floor, IReadOnlyList<GridCell> Cells);

public sealed record GridCell(Guid FlatId, int Entrance, string Room, string Address, int Residents, NeedTag Tags, bool IsVacant, int Away);

/// <summary>A colour and a label a feature puts on a cell (e.g. <c>sampled</c>, <c>missing</c>).</summary>
public sealed record GridMark(string CssClass, string LabelKey);

public static class GridQueries
{
    /// <summary>"政立路580弄 3号 2单元 201" for each flat the caller may see (the one way every list names a flat).</summary>
    public static async Task<Dictionary<Guid, string>> FlatAddressesAsync(this CordonDb db, IReadOnlyCollection<Guid> flatIds, CancellationToken cancellationToken = default) =>
        flatIds.Count == 0
            ? []
            : await db.Flats.AsNoTracking().Where(f => flatIds.Contains(f.Id))
                .Join(db.Buildings, f => f.BuildingId, b => b.Id, (f, b) => new { f.Id, b.Number, f.Entrance, f.Room, b.Entrances, b.CompoundId })
                .Join(db.Compounds, x => x.CompoundId, c => c.Id, (x, c) => new { x.Id, c.Name, x.Number, x.Entrance, x.Room, x.Entrances })
                .ToDictionaryAsync(x => x.Id, x => x.Name + " " + Address.Format(x.Number, x.Entrance, x.Room, x.Entrances), cancellationToken);

    public static async Task<BuildingGrid?> GridAsync(this CordonDb db, Guid buildingId, CancellationToken cancellationToken = default)
    {
        var building = await db.Buildings.AsNoTracking()
            .Where(b => b.Id == buildingId)
            .Join(db.Compounds, b => b.CompoundId, c => c.Id, (b, c) => new { b, Compound = c.Name })
            .SingleOrDefaultAsync(cancellationToken);
        if (building is null)
        {
            return null;
        }

        var flats = await db.Flats.AsNoTracking().Where(f => f.BuildingId == buildingId).ToListAsync(cancellationToken);
        var people = await db.Residents.AsNoTracking()
            .Where(r => r.BuildingId == buildingId && r.Status != ResidenceStatus.MovedOut)
            .Select(r => new { r.FlatId, r.Tags, r.Status })
            .ToListAsync(cancellationToken);
        var byFlat = people.ToLookup(p => p.FlatId);
        var b = building.b;
        // Bounded whatever the data says: a mistyped room number must not make a grid of ten million floors.
        var floors = Math.Min(Address.MaxFloor, Math.Max(b.Floors, flats.Count == 0 ? 0 : flats.Max(f => f.Floor)));
        var rows = Enumerable.Range(1, floors).Reverse()
            .Select(floor => new GridFloor(floor, [.. flats
                .Where(f => f.Floor == floor)
                .OrderBy(f => f.Entrance).ThenBy(f => f.Room.Length).ThenBy(f => f.Room, StringComparer.Ordinal)
                .Select(f =>
                {
                    var here = byFlat[f.Id].ToList();
                    var tags = here.Aggregate(NeedTag.None, (all, p) => all | p.Tags);
                    return new GridCell(f.Id, f.Entrance, f.Room, Address.Format(b.Number, f.Entrance, f.Room, b.Entrances),
                        here.Count(p => p.Status != ResidenceStatus.Away), tags, f.IsVacant || here.Count == 0,
                        here.Count(p => p.Status == ResidenceStatus.Away));
                })]))
            .ToList();
        return new BuildingGrid(b.Id, b.Number, building.Compound, b.CompoundId, floors, b.Entrances, b.HasElevator, rows,
            people.Count(p => p.Status != ResidenceStatus.Away), flats.Count);
    }
}
