using Microsoft.AspNetCore.Identity;

namespace Cordon.Platform.Auth;

/// <summary>The five roles exist in every database.</summary>
internal sealed class EnsureRoles(RoleManager<IdentityRole> roles) : IStartupTask
{
    public async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }
}
