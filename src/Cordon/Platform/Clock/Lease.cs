using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Clock;

/// <summary>
/// Who runs a piece of background work now, when several app nodes share one database: one row per job, taken by an
/// atomic update when free or expired, renewed while held. Not a per-node timer: two nodes never both alert.
/// </summary>
public sealed class Lease
{
    public string Name { get; set; } = "";

    public string Holder { get; set; } = "";

    public DateTime ExpiresAt { get; set; }
}

internal sealed class LeaseMap : IEntityTypeConfiguration<Lease>
{
    public void Configure(EntityTypeBuilder<Lease> b)
    {
        b.ToTable("Leases");
        b.HasKey(l => l.Name);
        b.Property(l => l.Name).HasMaxLength(64);
        b.Property(l => l.Holder).HasMaxLength(128);
    }
}

public static class Leases
{
    /// <summary>This node's name in leases: the machine and the process.</summary>
    public static readonly string Node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Takes or renews the lease; true while this node holds it until <paramref name="now"/> + <paramref name="length"/>.</summary>
    public static async Task<bool> TryTakeAsync(CordonDb db, string name, DateTime now, TimeSpan length, CancellationToken cancellationToken, string? holder = null)
    {
        var node = holder ?? Node;
        var until = now + length;
        var renewed = await db.Set<Lease>().Where(l => l.Name == name && (l.Holder == node || l.ExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, node).SetProperty(l => l.ExpiresAt, until), cancellationToken);
        if (renewed == 1)
        {
            return true;
        }

        if (await db.Set<Lease>().AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false;
        }

        db.Set<Lease>().Add(new Lease { Name = name, Holder = node, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another node created it first.
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
