using System.Security.Claims;
using Cordon.Platform.Places;

namespace Cordon.Platform.Auth;

/// <summary>
/// Who is asking, for the length of one request or one background job: the user, the sub-district
/// and the part of it they may see. The database reads it in every query filter.
/// </summary>
public sealed class Caller(IHttpContextAccessor http)
{
    private Snapshot? _snapshot;

    public bool IsSystem => Current.IsSystem;

    public string? UserId => Current.UserId;

    public string UserName => Current.UserName;

    public Guid SubdistrictId => Current.SubdistrictId;

    /// <summary>True when the caller is not limited to some neighborhoods or compounds.</summary>
    public bool WholeSubdistrict => Current.WholeSubdistrict;

    public List<Guid> NeighborhoodIds => Current.NeighborhoodIds;

    public List<Guid> CompoundIds => Current.CompoundIds;

    /// <summary>Neighborhoods that hold the caller's compounds: visible as a path, not as a whole.</summary>
    public List<Guid> ParentNeighborhoodIds => Current.ParentNeighborhoodIds;

    public bool IsAuthenticated => Current.UserId is not null;

    public string? IpAddress => http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>The signed-in cookie or token this request came with (null for the system and the anonymous).</summary>
    public Guid? SessionId => Guid.TryParse(http.HttpContext?.User.FindFirstValue(CordonClaims.Session), out var id) ? id : null;

    public bool Can(Permission permission) => Current.Permissions.Contains(permission);

    /// <summary>For start-up, seeding and background work: sees every sub-district.</summary>
    public void ActAsSystem(string name = "system") =>
        _snapshot = new Snapshot(true, null, name, Guid.Empty, true, [], [], [], [.. Enum.GetValues<Permission>()]);

    /// <summary>For jobs run on behalf of one sub-district.</summary>
    public void ActForSubdistrict(Guid subdistrictId, string name) =>
        _snapshot = new Snapshot(false, null, name, subdistrictId, true, [], [], [], [.. Enum.GetValues<Permission>()]);

    /// <summary>
    /// For background work started by a person (a large import): the job sees and may do exactly what that
    /// user may see and do now — their sub-district, jurisdiction and roles, read fresh from <see cref="AccessCache"/>
    /// when the job starts, not what they had when they queued it.
    /// </summary>
    public void ActAs(UserAccess access) =>
        _snapshot = new Snapshot(
            false, access.UserId, access.UserName, access.SubdistrictId,
            access.NeighborhoodIds.Count == 0 && access.CompoundIds.Count == 0,
            [.. access.NeighborhoodIds], [.. access.CompoundIds], [.. access.ParentNeighborhoodIds], [.. RolePermissions.For(access.Roles)]);

    private Snapshot Current => _snapshot ??= FromPrincipal(http.HttpContext?.User);

    private static Snapshot FromPrincipal(ClaimsPrincipal? user)
    {
        if (user?.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id
            || !Guid.TryParse(user.FindFirstValue(CordonClaims.Subdistrict), out var subdistrict))
        {
            return Snapshot.Nobody;
        }

        var neighborhoods = user.FindAll(CordonClaims.Neighborhood).Select(c => Guid.Parse(c.Value)).ToList();
        var compounds = user.FindAll(CordonClaims.Compound).Select(c => Guid.Parse(c.Value)).ToList();
        var parents = user.FindAll(CordonClaims.ParentNeighborhood).Select(c => Guid.Parse(c.Value)).ToList();
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value);
        return new Snapshot(
            false, id, user.Identity?.Name ?? id, subdistrict,
            neighborhoods.Count == 0 && compounds.Count == 0,
            neighborhoods, compounds, parents, [.. RolePermissions.For(roles)]);
    }

    private sealed record Snapshot(
        bool IsSystem,
        string? UserId,
        string UserName,
        Guid SubdistrictId,
        bool WholeSubdistrict,
        List<Guid> NeighborhoodIds,
        List<Guid> CompoundIds,
        List<Guid> ParentNeighborhoodIds,
        HashSet<Permission> Permissions)
    {
        // Sees nothing: an empty sub-district id matches no row.
        public static readonly Snapshot Nobody = new(false, null, "anonymous", Guid.Empty, false, [], [], [], []);
    }
}

public static class CordonClaims
{
    public const string Subdistrict = "cordon:sd";
    public const string Neighborhood = "cordon:nb";
    public const string Compound = "cordon:cp";
    public const string ParentNeighborhood = "cordon:nbp";
    public const string Loaded = "cordon:loaded";
    public const string Session = "cordon:sid";
}
