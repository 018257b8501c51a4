using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>Lockdowns' tables on the one database, as extension properties (docs/decisions/008).</summary>
public static class LockdownsDb
{
    extension(CordonDb db)
    {
        public DbSet<Lockdown> Lockdowns => db.Set<Lockdown>();

        public DbSet<LockdownBuilding> LockdownBuildings => db.Set<LockdownBuilding>();

        public DbSet<ResponsePlan> ResponsePlans => db.Set<ResponsePlan>();
    }
}
