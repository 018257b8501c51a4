using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Admin.Users;

[Authorize(Policy = "perm:" + nameof(Permission.ManageUsers))]
public sealed class IndexModel(CordonDb db, Caller caller, TimeProvider clock) : PageModel
{
    public sealed record Row(string Id, string UserName, string DisplayName, List<string> Roles, List<string> Scope, bool IsActive, bool IsLocked);

    public List<Row> Users { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking()
            .Where(u => u.SubdistrictId == caller.SubdistrictId)
            .OrderBy(u => u.UserName)
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.IsActive, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        var roles = await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var scopes = await db.UserScopes.AsNoTracking().ToListAsync(cancellationToken);
        var names = await ScopeNames.LoadAsync(db, cancellationToken);
        foreach (var u in users)
        {
            Users.Add(new Row(
                u.Id, u.UserName!, u.DisplayName,
                [.. roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).OrderBy(r => Roles.All.ToList().IndexOf(r))],
                [.. scopes.Where(s => s.UserId == u.Id).Select(names.Describe)],
                u.IsActive, u.LockoutEnd > now));
        }
    }
}

/// <summary>Names of neighborhoods and compounds, for showing a user's jurisdiction.</summary>
public sealed class ScopeNames(Dictionary<Guid, string> neighborhoods, Dictionary<Guid, string> compounds, List<ScopeNames.Option> options)
{
    public sealed record Option(Guid NeighborhoodId, string Neighborhood, Guid? CompoundId, string? Compound);

    public IReadOnlyList<Option> Options => options;

    public static async Task<ScopeNames> LoadAsync(CordonDb db, CancellationToken cancellationToken)
    {
        var n = await db.Neighborhoods.AsNoTracking().OrderBy(x => x.Name).Select(x => new { x.Id, x.Name }).ToListAsync(cancellationToken);
        var c = await db.Compounds.AsNoTracking().OrderBy(x => x.Name).Select(x => new { x.Id, x.Name, x.NeighborhoodId }).ToListAsync(cancellationToken);
        var options = new List<Option>();
        foreach (var neighborhood in n)
        {
            options.Add(new Option(neighborhood.Id, neighborhood.Name, null, null));
            options.AddRange(c.Where(x => x.NeighborhoodId == neighborhood.Id).Select(x => new Option(neighborhood.Id, neighborhood.Name, x.Id, x.Name)));
        }

        return new ScopeNames(n.ToDictionary(x => x.Id, x => x.Name), c.ToDictionary(x => x.Id, x => x.Name), options);
    }

    public string Describe(UserScope scope) =>
        scope.CompoundId is { } c ? compounds.GetValueOrDefault(c, "?")
        : scope.NeighborhoodId is { } n ? neighborhoods.GetValueOrDefault(n, "?")
        : "?";
}
