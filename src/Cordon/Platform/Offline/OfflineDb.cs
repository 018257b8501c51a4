using Cordon.Platform.Offline;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Data;

public sealed partial class CordonDb
{
    public DbSet<SyncConflict> SyncConflicts => Set<SyncConflict>();
}
