using Cordon.Platform.Data;

namespace Cordon.Platform.Places;

/// <summary>居民区 / 居委会: a neighborhood with its residents' committee.</summary>
public sealed class Neighborhood : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public string Name { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

/// <summary>小区: a compound, the unit that is sealed, swept and tested.</summary>
public sealed class Compound : ITenantOwned, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public string Name { get; set; } = "";

    public string Address { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

/// <summary>楼栋: a building such as <c>12号</c>.</summary>
public sealed class Building : IInJurisdiction, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    /// <summary>As the committee writes it: <c>12号</c>.</summary>
    public string Number { get; set; } = "";

    /// <summary>The numeric part of <see cref="Number"/>, for ordering 2号 before 10号.</summary>
    public int SortKey { get; set; }

    public int Floors { get; set; }

    public bool HasElevator { get; set; }

    public int Entrances { get; set; } = 1;
}

/// <summary>室: a flat, addressed <c>12号-3-502</c> (building-entrance-room).</summary>
public sealed class Flat : IInJurisdiction, IAudited
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public Guid NeighborhoodId { get; set; }

    public Guid CompoundId { get; set; }

    public Guid BuildingId { get; set; }

    public int Entrance { get; set; } = 1;

    public int Floor { get; set; }

    /// <summary>As written on the door: <c>502</c>.</summary>
    public string Room { get; set; } = "";

    public bool IsVacant { get; set; }
}
