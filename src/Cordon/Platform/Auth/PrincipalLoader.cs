using System.Security.Claims;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cordon.Platform.Auth;

/// <summary>
/// Turns the identity in a cookie or bearer token into the caller's current roles and jurisdiction.
/// A disabled, locked or re-stamped account, and a signed-out session, stop working at once, for pages and API alike.
/// </summary>
public sealed class PrincipalLoader(AccessCache access, IOptions<IdentityOptions> identity) : IClaimsTransformation
{
    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        if (principal.HasClaim(c => c.Type == CordonClaims.Loaded)
            || principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
        {
            return principal;
        }

        var current = await access.GetAsync(userId);
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (current is null || (stamp is not null && stamp != current.SecurityStamp)
            || !Guid.TryParse(principal.FindFirstValue(CordonClaims.Session), out var session) || !await access.SessionLiveAsync(session, userId))
        {
            return new ClaimsPrincipal(new ClaimsIdentity());
        }

        var source = principal.Identity as ClaimsIdentity;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, current.UserId),
            new(ClaimTypes.Name, current.UserName),
            new(CordonClaims.Loaded, "1"),
            new(CordonClaims.Subdistrict, current.SubdistrictId.ToString()),
            new(CordonClaims.Session, session.ToString()),
        };
        claims.AddRange(current.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(current.NeighborhoodIds.Select(n => new Claim(CordonClaims.Neighborhood, n.ToString())));
        claims.AddRange(current.CompoundIds.Select(c => new Claim(CordonClaims.Compound, c.ToString())));
        claims.AddRange(current.ParentNeighborhoodIds.Select(n => new Claim(CordonClaims.ParentNeighborhood, n.ToString())));
        if (stamp is not null)
        {
            claims.Add(new Claim(identity.Value.ClaimsIdentity.SecurityStampClaimType, stamp));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, source?.AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }
}
