using System.Linq.Expressions;
using System.Text.Json;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.People;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Cordon.Platform.Data;

/// <summary>
/// The one database of Cordon. Each feature adds its tables in a partial class in its own folder.
/// Every query of personal data is filtered by the caller's jurisdiction here, in the WHERE clause.
/// </summary>
public sealed partial class CordonDb(DbContextOptions<CordonDb> options, Caller caller, TimeProvider clock, PeopleChanges people)
    : IdentityDbContext<CordonUser>(options)
{
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    public DbSet<UserScope> UserScopes => Set<UserScope>();

    public DbSet<UserSession> UserSessions => Set<UserSession>();

    /// <summary>Audit values are stored readable: Chinese as Chinese, not \uXXXX escapes.</summary>
    public static readonly JsonSerializerOptions AuditJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    internal Caller Caller => caller;

    /// <summary>Which model this context uses: the system's has no filters (see <see cref="CallerModelCacheKeyFactory"/>).</summary>
    internal bool BuiltForSystem => caller.IsSystem;

    // Query filters read these per query; EF turns them into parameters.

    private Guid CallerSubdistrictId => caller.SubdistrictId;

    private bool CallerWholeSubdistrict => caller.WholeSubdistrict;

    private List<Guid> CallerNeighborhoodIds => caller.NeighborhoodIds;

    private List<Guid> CallerCompoundIds => caller.CompoundIds;

    private List<Guid> CallerParentNeighborhoodIds => caller.ParentNeighborhoodIds;

    private bool CallerManagesUsers => caller.Can(Permission.ManageUsers);

    /// <summary>
    /// The same jurisdiction as the query filters, written into the query itself, for hot queries that
    /// join many tables with <c>IgnoreQueryFilters()</c> (which switches filters off for the whole query,
    /// so the rows must be restricted here). A caller with the whole sub-district gets a plain
    /// <c>SubdistrictId = @id</c> that the (SubdistrictId, …) indexes answer.
    /// </summary>
    public IQueryable<T> Visible<T>()
        where T : class, IInJurisdiction
    {
        var rows = Set<T>().IgnoreQueryFilters();
        if (caller.IsSystem)
        {
            return rows;
        }

        var subdistrict = caller.SubdistrictId;
        if (caller.WholeSubdistrict)
        {
            return rows.Where(r => r.SubdistrictId == subdistrict);
        }

        var neighborhoods = caller.NeighborhoodIds;
        var compounds = caller.CompoundIds;
        return rows.Where(r => r.SubdistrictId == subdistrict && (neighborhoods.Contains(r.NeighborhoodId) || compounds.Contains(r.CompoundId)));
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CordonDb).Assembly);

        var utc = new UtcDateTimeConverter();
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(DateTime) || p.ClrType == typeof(DateTime?)))
            {
                property.SetValueConverter(utc);
            }
        }

        // The system (start-up, background work, design time) sees every sub-district through a model
        // without filters; every other caller's model filters in the WHERE clause. Two models rather
        // than "system OR …" in each filter: an OR on a parameter keeps the database from using the
        // (SubdistrictId, …) indexes (docs/decisions/005).
        if (BuiltForSystem)
        {
            return;
        }

        foreach (var entity in builder.Model.GetEntityTypes())
        {
            var clr = entity.ClrType;
            if (typeof(IInJurisdiction).IsAssignableFrom(clr))
            {
                builder.Entity(clr).HasQueryFilter(JurisdictionFilter(clr));
            }
            else if (typeof(ITenantOwned).IsAssignableFrom(clr))
            {
                builder.Entity(clr).HasQueryFilter(TenantFilter(clr));
            }
        }

        builder.Entity<Subdistrict>().HasQueryFilter(s => s.Id == CallerSubdistrictId);
        builder.Entity<AuditEntry>().HasQueryFilter(a => a.SubdistrictId == CallerSubdistrictId || (a.SubdistrictId == null && CallerManagesUsers));
        FilterPlaces(builder);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Use SaveChangesAsync: every write is audited asynchronously.");

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        WriteAuditEntries();
        var residents = ChangeTracker.Entries<Resident>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => (e.Entity.SubdistrictId, e.Entity.Id)).ToList();
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        foreach (var tenant in residents.GroupBy(r => r.SubdistrictId))
        {
            people.Changed(tenant.Key, tenant.Select(r => r.Id));
        }

        return saved;
    }

    /// <summary>
    /// Why the changes of this unit of work are made (a correction, a reopened round): written as the reason of
    /// each audit line the next save writes for them.
    /// </summary>
    public string? ChangeReason { get; set; }

    /// <summary>Adds an audit line to this unit of work; it is stored with the next save.</summary>
    public AuditEntry Audit(string action, string? entityType = null, string? entityId = null, string? reason = null, object? details = null)
    {
        var entry = new AuditEntry
        {
            SubdistrictId = caller.IsSystem ? null : caller.SubdistrictId,
            At = clock.GetUtcNow().UtcDateTime,
            UserId = caller.UserId,
            UserName = caller.UserName,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Reason = reason,
            Changes = details is null ? null : JsonSerializer.Serialize(details, AuditJson),
            IpAddress = caller.IpAddress,
        };
        AuditLog.Add(entry);
        return entry;
    }

    /// <summary>
    /// One audit line for a bulk read of personal data (a list, a roster, a search): what was read, over which
    /// scope, how many rows. Saved at once, since a read has no other save to ride on.
    /// </summary>
    public async Task AuditReadAsync(string what, object? scope, int rows, CancellationToken cancellationToken, string action = AuditAction.Read)
    {
        Audit(action, "Read", what, null, new { what, scope, rows });
        await base.SaveChangesAsync(true, cancellationToken);
        ChangeTracker.Clear();
    }

    private void WriteAuditEntries()
    {
        var changed = ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .ToList();
        foreach (var entry in changed)
        {
            if (entry.Entity is AuditEntry && entry.State != EntityState.Added)
            {
                throw new InvalidOperationException("The audit log is append-only.");
            }

            if (entry.Entity is not IAudited audited)
            {
                continue;
            }

            var changes = Changes(entry);
            if (entry.State == EntityState.Modified && changes.Count == 0)
            {
                continue;
            }

            var line = Audit(
                entry.State switch
                {
                    EntityState.Added => AuditAction.Create,
                    EntityState.Deleted => AuditAction.Delete,
                    _ => AuditAction.Update,
                },
                entry.Metadata.ClrType.Name,
                audited.Id.ToString(),
                ChangeReason);
            line.Changes = JsonSerializer.Serialize(changes, AuditJson);
            line.SubdistrictId = entry.Entity switch
            {
                ITenantOwned owned => owned.SubdistrictId,
                Subdistrict subdistrict => subdistrict.Id,
                _ => line.SubdistrictId,
            };
        }
    }

    private static Dictionary<string, object?[]> Changes(EntityEntry entry)
    {
        var result = new Dictionary<string, object?[]>();
        foreach (var property in entry.Properties)
        {
            var meta = property.Metadata;
            // The audit line has its own time; a row's UpdatedAt is noise in its history.
            if (meta.IsPrimaryKey() || meta.IsConcurrencyToken || meta.Name == "UpdatedAt")
            {
                continue;
            }

            var original = entry.State == EntityState.Added ? null : property.OriginalValue;
            var current = entry.State == EntityState.Deleted ? null : property.CurrentValue;
            if (entry.State == EntityState.Modified && (!property.IsModified || Equals(original, current)))
            {
                continue;
            }

            if (entry.State != EntityState.Modified && original is null && current is null)
            {
                continue;
            }

            // On creation, keys and the creation time say nothing a person needs; later changes of them do.
            if (entry.State == EntityState.Added && (meta.IsForeignKey() || meta.Name.EndsWith("Id", StringComparison.Ordinal) || meta.Name == "CreatedAt"))
            {
                continue;
            }

            if (Mask.SensitiveKindOf(meta) is { } kind)
            {
                original = Mask.ForAudit(kind, original);
                current = Mask.ForAudit(kind, current);
            }

            result[meta.Name] = [Readable(original), Readable(current)];
        }

        return result;
    }

    /// <summary>Enums by name (flags as "A, B"), dates as ISO text: what a person reading the history can map to words.</summary>
    private static object? Readable(object? value) => value switch
    {
        Enum e => e.ToString(),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        _ => value,
    };

    private LambdaExpression TenantFilter(Type clr)
    {
        var row = Expression.Parameter(clr, "row");
        var body = Expression.Equal(Expression.Property(row, nameof(ITenantOwned.SubdistrictId)), Member(nameof(CallerSubdistrictId)));
        return Expression.Lambda(body, row);
    }

    /// <summary>Same sub-district AND (whole sub-district OR neighborhood in scope OR compound in scope).</summary>
    private LambdaExpression JurisdictionFilter(Type clr)
    {
        var row = Expression.Parameter(clr, "row");
        var contains = typeof(Enumerable).GetMethods()
            .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2)
            .MakeGenericMethod(typeof(Guid));
        var inScope = Expression.OrElse(
            Member(nameof(CallerWholeSubdistrict)),
            Expression.OrElse(
                Expression.Call(contains, Member(nameof(CallerNeighborhoodIds)), Expression.Property(row, nameof(IInJurisdiction.NeighborhoodId))),
                Expression.Call(contains, Member(nameof(CallerCompoundIds)), Expression.Property(row, nameof(IInJurisdiction.CompoundId)))));
        var body = Expression.AndAlso(
            Expression.Equal(Expression.Property(row, nameof(ITenantOwned.SubdistrictId)), Member(nameof(CallerSubdistrictId))),
            inScope);
        return Expression.Lambda(body, row);
    }

    private MemberExpression Member(string name) => Expression.Property(Expression.Constant(this), name);
}

/// <summary>One model for the system caller (no filters), one for everyone else.</summary>
internal sealed class CallerModelCacheKeyFactory : Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (context.GetType(), context is CordonDb db && db.BuiltForSystem, designTime);
}
