using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Data;

public sealed partial class CordonDb
{
    public DbSet<Household> Households => Set<Household>();

    public DbSet<Resident> Residents => Set<Resident>();
}
