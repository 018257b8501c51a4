using System.ComponentModel.DataAnnotations;
using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace Cordon.Features.Setup;

/// <summary>Creates the sub-district and its first administrator, once, with the console's setup code.</summary>
[EnableRateLimiting(Cordon.Platform.PlatformSetup.SignInRateLimit)]
public sealed class IndexModel(
    SetupCode code,
    CordonDb db,
    UserManager<CordonUser> users,
    SignInService sessions,
    TimeProvider clock,
    IStringLocalizer<IndexModel> text) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "setup.code")]
    public string Code { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [StringLength(64, ErrorMessage = "validation.max-length")]
    [Display(Name = "setup.subdistrict")]
    public string SubdistrictName { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [RegularExpression("^[1-8][0-9]{5}$", ErrorMessage = "setup.division-invalid")]
    [Display(Name = "setup.division")]
    public string DivisionCode { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [RegularExpression("^[A-Za-z0-9._-]{3,32}$", ErrorMessage = "users.username-invalid")]
    [Display(Name = "account.username")]
    public string UserName { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [StringLength(64, ErrorMessage = "validation.max-length")]
    [Display(Name = "users.display-name")]
    public string DisplayName { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [DataType(DataType.Password)]
    [Display(Name = "account.password")]
    public string Password { get; set; } = "";

    [BindProperty]
    [Compare(nameof(Password), ErrorMessage = "users.password-mismatch")]
    [DataType(DataType.Password)]
    [Display(Name = "users.password-confirm")]
    public string ConfirmPassword { get; set; } = "";

    public bool Closed { get; private set; }

    public async Task OnGetAsync() => Closed = !code.IsOpen || await db.HasAnyUserAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!code.IsOpen || await db.HasAnyUserAsync())
        {
            Closed = true;
            return Page();
        }

        if (!ModelState.IsValid)
        {
            if (!code.Matches(Code))
            {
                ModelState.AddModelError(nameof(Code), text["setup.code-wrong"]);
            }

            return Page();
        }

        // One claim of the code per request: requests sent at once with it make one administrator.
        if (!code.TryClaim(Code))
        {
            Closed = !code.IsOpen;
            ModelState.AddModelError(nameof(Code), text["setup.code-wrong"]);
            return Page();
        }

        if (await db.HasAnyUserAsync())
        {
            code.Close();
            Closed = true;
            return Page();
        }

        db.Caller.ActAsSystem("setup");
        var now = clock.GetUtcNow().UtcDateTime;
        var subdistrict = new Subdistrict { Name = SubdistrictName.Trim(), DivisionCode = DivisionCode, CreatedAt = now };
        db.Subdistricts.Add(subdistrict);
        await db.SaveChangesAsync();

        var user = new CordonUser
        {
            UserName = UserName.Trim(),
            DisplayName = DisplayName.Trim(),
            SubdistrictId = subdistrict.Id,
            CreatedAt = now,
        };
        var created = await users.CreateAsync(user, Password);
        if (!created.Succeeded)
        {
            db.Subdistricts.Remove(subdistrict);
            await db.SaveChangesAsync();
            code.Reopen();
            foreach (var error in created.Errors)
            {
                ModelState.AddModelError(nameof(Password), text["identity." + error.Code]);
            }

            return Page();
        }

        await users.AddToRolesAsync(user, RoleNames.FirstAdministrator);
        code.Close();
        var audit = db.Audit(AuditAction.Setup, "User", user.Id);
        audit.SubdistrictId = subdistrict.Id;
        audit.UserName = user.UserName;
        await db.SaveChangesAsync();
        await sessions.SignInPageAsync(user);
        return Redirect("/");
    }
}
