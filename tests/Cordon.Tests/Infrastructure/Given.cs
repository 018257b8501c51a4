using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Tests.Infrastructure;

public static class GivenExtensions
{
    /// <summary>Data a test builds for itself: <c>await app.Given().CompoundAsync(…)</c>.</summary>
    public static Given Given(this CordonApp app) => new(app);
}

/// <summary>A compound of its own for each test, in the neighborhood it names; residents and proposals in its flats.</summary>
public sealed class Given(CordonApp app)
{
    private static int Counter;

    public sealed record Place(Guid SubdistrictId, Guid NeighborhoodId, Guid CompoundId, Guid BuildingId, string Name, List<Guid> Flats);

    public async Task<Place> CompoundAsync(string neighborhood, int flats, bool vacant = false) => await app.DbAsync(async db =>
    {
        var n = await db.Neighborhoods.SingleAsync(x => x.Name == neighborhood);
        var name = $"核实测试{Interlocked.Increment(ref Counter)}弄{Guid.NewGuid().ToString("N")[..4]}";
        var compound = new Compound { SubdistrictId = n.SubdistrictId, NeighborhoodId = n.Id, Name = name, Address = name, CreatedAt = DateTime.UtcNow };
        var building = new Building { SubdistrictId = n.SubdistrictId, NeighborhoodId = n.Id, CompoundId = compound.Id, Number = "1号", SortKey = 1, Floors = 6 };
        var rooms = Enumerable.Range(1, flats).Select(i => new Flat
        {
            SubdistrictId = n.SubdistrictId,
            NeighborhoodId = n.Id,
            CompoundId = compound.Id,
            BuildingId = building.Id,
            Floor = 1,
            Room = $"10{i}",
            IsVacant = vacant,
        }).ToList();
        db.Compounds.Add(compound);
        db.Buildings.Add(building);
        db.Flats.AddRange(rooms);
        await db.SaveChangesAsync();
        return new Place(n.SubdistrictId, n.Id, compound.Id, building.Id, name, [.. rooms.Select(f => f.Id)]);
    });

    public async Task<Guid> ResidentAsync(
        Place place, Guid flatId, string name, string? phone, ResidenceStatus status = ResidenceStatus.Resident, NeedTag tags = NeedTag.None) =>
        await app.DbAsync(async db =>
        {
            var flat = await db.Flats.SingleAsync(f => f.Id == flatId);
            var household = await db.Households.FirstOrDefaultAsync(h => h.FlatId == flatId);
            if (household is null)
            {
                household = Household.Of(flat, DateTime.UtcNow);
                db.Households.Add(household);
            }

            var resident = new Resident
            {
                SubdistrictId = place.SubdistrictId,
                NeighborhoodId = place.NeighborhoodId,
                CompoundId = place.CompoundId,
                BuildingId = place.BuildingId,
                FlatId = flatId,
                HouseholdId = household.Id,
                Name = name,
                Phone = phone,
                Status = status,
                Tags = tags,
                SamplingCode = SamplingCodes.New(),
                CreatedAt = DateTime.UtcNow,
                UpdatedAt = DateTime.UtcNow,
            };
            db.Residents.Add(resident);
            await db.SaveChangesAsync();
            return resident.Id;
        });

    /// <summary>What a sweep's visit would file; <paramref name="fill"/> sets the fields of its kind.</summary>
    public async Task<Guid> ProposalAsync(Place place, Guid flatId, ProposalKind kind, Action<LedgerProposal>? fill = null) =>
        await app.DbAsync(async db =>
        {
            var proposal = new LedgerProposal
            {
                SubdistrictId = place.SubdistrictId,
                NeighborhoodId = place.NeighborhoodId,
                CompoundId = place.CompoundId,
                BuildingId = place.BuildingId,
                FlatId = flatId,
                Kind = kind,
                Source = "sweep",
                SourceId = Guid.CreateVersion7(),
                SourceLabel = "第1轮 上午 · 2队",
                FoundAt = DateTime.UtcNow,
                FoundBy = "volunteer",
            };
            fill?.Invoke(proposal);
            db.Set<LedgerProposal>().Add(proposal);
            await db.SaveChangesAsync();
            return proposal.Id;
        });

    /// <summary>A valid ID number of a division the demo does not use, so it is in no one's ledger (a woman's: an even 17th digit).</summary>
    public static string NewIdNumber() =>
        IdNumber.Compose("440305", new DateOnly(1960, 1, 1).AddDays(Random.Shared.Next(0, 15000)), Random.Shared.Next(0, 500) * 2);
}
