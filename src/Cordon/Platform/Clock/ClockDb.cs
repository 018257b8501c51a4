using Cordon.Platform.Clock;
using Cordon.Platform.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Data;

public sealed partial class CordonDb
{
    public DbSet<Deadline> Deadlines => Set<Deadline>();

    public DbSet<Alert> Alerts => Set<Alert>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
}
