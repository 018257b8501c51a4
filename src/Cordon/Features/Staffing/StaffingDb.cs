using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing;

/// <summary>Staffing's tables on the one database, as extension properties (docs/decisions/008).</summary>
public static class StaffingDb
{
    extension(CordonDb db)
    {
        public DbSet<StaffMember> Staff => db.Set<StaffMember>();

        public DbSet<CallUp> CallUps => db.Set<CallUp>();

        public DbSet<CallUpNeed> CallUpNeeds => db.Set<CallUpNeed>();

        public DbSet<Invitation> Invitations => db.Set<Invitation>();

        public DbSet<DutyShift> DutyShifts => db.Set<DutyShift>();
    }
}
