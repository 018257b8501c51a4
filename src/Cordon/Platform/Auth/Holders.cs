using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Auth;

/// <summary>An active account as others see it on a task or a request: its display name (the login name when it has none).</summary>
public sealed record Holder(string Id, string Name);

public static class Holders
{
    /// <summary>The sub-district's active accounts whose roles grant <paramref name="permission"/>, by name: whom work can be handed to.</summary>
    public static async Task<List<Holder>> PermissionHoldersAsync(this CordonDb db, Guid subdistrictId, Permission permission, CancellationToken cancellationToken)
    {
        var rows = await db.Users.IgnoreQueryFilters().Where(u => u.SubdistrictId == subdistrictId && u.IsActive)
            .Join(db.UserRoles, u => u.Id, ur => ur.UserId, (u, ur) => new { u.Id, u.DisplayName, u.UserName, ur.RoleId })
            .Join(db.Roles, x => x.RoleId, r => r.Id, (x, r) => new { x.Id, x.DisplayName, x.UserName, Role = r.Name })
            .ToListAsync(cancellationToken);
        return [.. rows.GroupBy(r => r.Id).Where(g => RolePermissions.For(g.Select(x => x.Role!)).Contains(permission))
            .Select(g => new Holder(g.Key, g.First().DisplayName is { Length: > 0 } d ? d : g.First().UserName ?? g.Key)).OrderBy(u => u.Name, StringComparer.Ordinal)];
    }
}
