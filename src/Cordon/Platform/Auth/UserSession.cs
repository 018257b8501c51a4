using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Auth;

/// <summary>
/// One signed-in cookie or bearer token. Signing out revokes it at once (a copied cookie or token stops working);
/// a password change, a disabled account or a role change revoke all of a user's sessions (their security stamp).
/// </summary>
public sealed class UserSession : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public string UserId { get; set; } = "";

    /// <summary><c>cookie</c> or <c>token</c>.</summary>
    public string Kind { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}

internal sealed class UserSessionMap : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.ToTable("UserSessions");
        b.Property(s => s.UserId).HasMaxLength(64);
        b.Property(s => s.Kind).HasMaxLength(8);
        b.HasIndex(s => new { s.SubdistrictId, s.UserId, s.RevokedAt });
    }
}
