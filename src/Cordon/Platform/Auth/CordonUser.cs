using Cordon.Platform.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Auth;

/// <summary>A person who signs in: staff, volunteers, samplers, commanders and administrators.</summary>
public sealed class CordonUser : IdentityUser
{
    public Guid SubdistrictId { get; set; }

    public string DisplayName { get; set; } = "";

    public bool IsActive { get; set; } = true;

    public DateTime CreatedAt { get; set; }

    public List<UserScope> Scopes { get; set; } = [];
}

/// <summary>
/// Limits a user to a neighborhood or a compound. A user without scopes sees the whole sub-district.
/// </summary>
public sealed class UserScope : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid SubdistrictId { get; set; }

    public string UserId { get; set; } = "";

    public Guid? NeighborhoodId { get; set; }

    public Guid? CompoundId { get; set; }
}

internal sealed class UserMap : IEntityTypeConfiguration<CordonUser>, IEntityTypeConfiguration<UserScope>
{
    public void Configure(EntityTypeBuilder<CordonUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(64);
        b.HasIndex(u => new { u.SubdistrictId, u.UserName });
        b.HasMany(u => u.Scopes).WithOne().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<UserScope> b)
    {
        b.ToTable("UserScopes");
        b.HasIndex(s => new { s.SubdistrictId, s.UserId });
    }
}
