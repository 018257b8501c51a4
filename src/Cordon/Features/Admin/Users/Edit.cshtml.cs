using System.ComponentModel.DataAnnotations;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Cordon.Features.Admin.Users;

/// <summary>Creates or edits an account: roles, jurisdiction, active, password reset, unlock.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageUsers))]
public sealed class EditModel(
    CordonDb db,
    Caller caller,
    UserManager<CordonUser> users,
    AccessCache access,
    SignInService signIn,
    TimeProvider clock,
    IStringLocalizer<EditModel> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty]
    [RegularExpression("^[A-Za-z0-9._-]{3,32}$", ErrorMessage = "users.username-invalid")]
    [Display(Name = "account.username")]
    public string? UserName { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [StringLength(64, ErrorMessage = "validation.max-length")]
    [Display(Name = "users.display-name")]
    public string DisplayName { get; set; } = "";

    [BindProperty]
    public List<string> SelectedRoles { get; set; } = [];

    [BindProperty]
    public bool Limited { get; set; }

    /// <summary>"n:{guid}" for a neighborhood, "c:{guid}" for a compound.</summary>
    [BindProperty]
    public List<string> SelectedScopes { get; set; } = [];

    [BindProperty]
    public bool IsActive { get; set; } = true;

    [BindProperty]
    [DataType(DataType.Password)]
    [Display(Name = "users.new-password")]
    public string? NewPassword { get; set; }

    [BindProperty]
    public bool Unlock { get; set; }

    public bool IsNew => Id is null;

    public bool IsLocked { get; private set; }

    public ScopeNames Scopes { get; private set; } = null!;

    public string? Saved { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Scopes = await ScopeNames.LoadAsync(db, cancellationToken);
        if (IsNew)
        {
            return Page();
        }

        var user = await FindAsync(cancellationToken);
        if (user is null)
        {
            return NotFound();
        }

        UserName = user.UserName;
        DisplayName = user.DisplayName;
        IsActive = user.IsActive;
        IsLocked = user.LockoutEnd > clock.GetUtcNow();
        SelectedRoles = [.. await users.GetRolesAsync(user)];
        SelectedScopes = [.. user.Scopes.Select(s => s.CompoundId is { } c ? "c:" + c : "n:" + s.NeighborhoodId)];
        Limited = SelectedScopes.Count > 0;
        Saved = TempData["saved"] as string;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Scopes = await ScopeNames.LoadAsync(db, cancellationToken);
        var user = IsNew ? null : await FindAsync(cancellationToken);
        if (!IsNew && user is null)
        {
            return NotFound();
        }

        SelectedRoles = [.. SelectedRoles.Where(Roles.All.Contains).Distinct()];
        var scopes = ParseScopes();
        Validate(user, scopes);
        if (!ModelState.IsValid)
        {
            IsLocked = user?.LockoutEnd > clock.GetUtcNow();
            return Page();
        }

        var before = user is null ? null : await DescribeAsync(user);
        if (user is null)
        {
            user = new CordonUser { UserName = UserName!.Trim(), SubdistrictId = caller.SubdistrictId, CreatedAt = clock.GetUtcNow().UtcDateTime };
            user.DisplayName = DisplayName.Trim();
            var created = await users.CreateAsync(user, NewPassword!);
            if (!AddErrors(created, nameof(NewPassword)))
            {
                return Page();
            }
        }
        else if (!string.IsNullOrEmpty(NewPassword))
        {
            await users.RemovePasswordAsync(user);
            if (!AddErrors(await users.AddPasswordAsync(user, NewPassword), nameof(NewPassword)))
            {
                return Page();
            }
        }

        user.DisplayName = DisplayName.Trim();
        var deactivated = user.IsActive && !IsActive;
        user.IsActive = IsActive;
        if (Unlock)
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            signIn.Unlock(user);
        }

        var currentRoles = await users.GetRolesAsync(user);
        await users.RemoveFromRolesAsync(user, currentRoles.Except(SelectedRoles));
        await users.AddToRolesAsync(user, SelectedRoles.Except(currentRoles));

        var tracked = await db.Users.Include(u => u.Scopes).SingleAsync(u => u.Id == user.Id, cancellationToken);
        db.UserScopes.RemoveRange(tracked.Scopes);
        db.UserScopes.AddRange(scopes.Select(s => new UserScope
        {
            SubdistrictId = caller.SubdistrictId,
            UserId = user.Id,
            NeighborhoodId = s.NeighborhoodId,
            CompoundId = s.CompoundId,
        }));
        await db.SaveChangesAsync(cancellationToken);
        await users.UpdateAsync(user);
        var after = await DescribeAsync(await FindAsync(user.Id, cancellationToken) ?? user);
        if (before is not null && (deactivated || !string.IsNullOrEmpty(NewPassword) || before["Roles"] != after["Roles"] || before["Jurisdiction"] != after["Jurisdiction"]))
        {
            // Signs the account out everywhere: every cookie and token of it stops working at once.
            await signIn.RevokeAllAsync(user);
        }

        access.Forget(user.Id);
        db.Audit(before is null ? AuditAction.Create : AuditAction.Update, "User", user.Id,
            details: Diff(before, after, !string.IsNullOrEmpty(NewPassword), Unlock));
        await db.SaveChangesAsync(cancellationToken);
        TempData["saved"] = text["users.saved"].Value;
        return Redirect($"/Admin/Users/Edit/{user.Id}");
    }

    private void Validate(CordonUser? user, List<UserScope> scopes)
    {
        if (user is null)
        {
            if (string.IsNullOrWhiteSpace(UserName))
            {
                ModelState.AddModelError(nameof(UserName), text["validation.required", text["account.username"]]);
            }

            if (string.IsNullOrEmpty(NewPassword))
            {
                ModelState.AddModelError(nameof(NewPassword), text["validation.required", text["users.new-password"]]);
            }
        }

        if (SelectedRoles.Count == 0)
        {
            ModelState.AddModelError(nameof(SelectedRoles), text["users.role-required"]);
        }

        if (Limited && scopes.Count == 0)
        {
            ModelState.AddModelError(nameof(SelectedScopes), text["users.scope-required"]);
        }

        if (user?.Id == caller.UserId && (!IsActive || !SelectedRoles.Contains(Roles.Admin)))
        {
            ModelState.AddModelError(string.Empty, text["users.cannot-demote-self"]);
        }
    }

    private List<UserScope> ParseScopes()
    {
        if (!Limited)
        {
            return [];
        }

        var result = new List<UserScope>();
        foreach (var value in SelectedScopes.Distinct())
        {
            if (value.Length > 2 && Guid.TryParse(value[2..], out var id))
            {
                var option = Scopes.Options.FirstOrDefault(o => value[0] == 'c' ? o.CompoundId == id : o.CompoundId is null && o.NeighborhoodId == id);
                if (option is not null)
                {
                    result.Add(new UserScope { NeighborhoodId = option.NeighborhoodId, CompoundId = option.CompoundId });
                }
            }
        }

        return result;
    }

    private bool AddErrors(IdentityResult result, string field)
    {
        foreach (var error in result.Errors)
        {
            ModelState.AddModelError(error.Code == "DuplicateUserName" ? nameof(UserName) : field, text["identity." + error.Code]);
        }

        return result.Succeeded;
    }

    private Task<CordonUser?> FindAsync(CancellationToken cancellationToken) => FindAsync(Id ?? "", cancellationToken);

    private Task<CordonUser?> FindAsync(string id, CancellationToken cancellationToken) =>
        db.Users.Include(u => u.Scopes).SingleOrDefaultAsync(u => u.Id == id && u.SubdistrictId == caller.SubdistrictId, cancellationToken);

    private async Task<Dictionary<string, string>> DescribeAsync(CordonUser user) => new()
    {
        ["UserName"] = user.UserName ?? "",
        ["DisplayName"] = user.DisplayName,
        ["Roles"] = string.Join(",", (await users.GetRolesAsync(user)).Order()),
        ["Jurisdiction"] = string.Join(",", user.Scopes.Select(Scopes.Describe).Order()),
        ["IsActive"] = user.IsActive.ToString(),
    };

    private static Dictionary<string, string?[]> Diff(Dictionary<string, string>? before, Dictionary<string, string> after, bool passwordReset, bool unlocked)
    {
        var changes = after
            .Where(kv => before is null || before[kv.Key] != kv.Value)
            .ToDictionary(kv => kv.Key, kv => new[] { before?[kv.Key], kv.Value });
        if (passwordReset)
        {
            changes["Password"] = [null, "reset"];
        }

        if (unlocked)
        {
            changes["Lockout"] = ["locked", "unlocked"];
        }

        return changes;
    }
}
