using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Audit;

/// <summary>One line of the append-only audit log. Neither the app nor the database lets it change.</summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Null only for sign-in failures of names that match no account.</summary>
    public Guid? SubdistrictId { get; set; }

    public DateTime At { get; set; }

    public string? UserId { get; set; }

    public string UserName { get; set; } = "";

    public string Action { get; set; } = "";

    public string? EntityType { get; set; }

    public string? EntityId { get; set; }

    /// <summary>JSON object: property → [old, new]; sensitive values are stored masked.</summary>
    public string? Changes { get; set; }

    public string? Reason { get; set; }

    public string? IpAddress { get; set; }
}

/// <summary>Stable action names; they are stored and filtered on.</summary>
public static class AuditAction
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string LockedOut = "locked-out";
    public const string SignOut = "sign-out";
    public const string AccessDenied = "access-denied";
    public const string Reveal = "reveal";
    public const string Export = "export";
    public const string Import = "import";
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Setup = "setup";

    /// <summary>A list of people read at once (roster, coverage, door-knock and recall lists, a dry run): who, what, scope, rows.</summary>
    public const string Read = "read";

    /// <summary>A search that returned people: the kind of query and the row count, never the typed text.</summary>
    public const string Search = "search";

    public static readonly IReadOnlyList<string> All =
        [SignIn, SignInFailed, LockedOut, SignOut, AccessDenied, Reveal, Export, Import, Create, Update, Delete, Setup, Read, Search];
}

internal sealed class AuditEntryMap : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditLog");
        b.Property(a => a.UserName).HasMaxLength(128);
        b.Property(a => a.Action).HasMaxLength(32);
        b.Property(a => a.EntityType).HasMaxLength(64);
        b.Property(a => a.EntityId).HasMaxLength(64);
        b.Property(a => a.Reason).HasMaxLength(500);
        b.Property(a => a.IpAddress).HasMaxLength(64);
        b.HasIndex(a => new { a.SubdistrictId, a.At });
        b.HasIndex(a => new { a.SubdistrictId, a.EntityType, a.EntityId });
        b.HasIndex(a => new { a.SubdistrictId, a.Action, a.At });
    }
}
