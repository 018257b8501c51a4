using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Sweeps;

/// <summary>Sweeps' tables on the one database, as extension properties (docs/decisions/008).</summary>
public static class SweepsDb
{
    extension(CordonDb db)
    {
        public DbSet<Sweep> Sweeps => db.Set<Sweep>();

        public DbSet<SweepEntrance> SweepEntrances => db.Set<SweepEntrance>();
    }
}
