using System.ComponentModel.DataAnnotations;
using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace Cordon.Features.Account;

[EnableRateLimiting(PlatformSetup.SignInRateLimit)]
public sealed class LoginModel(SignInService signIn, IStringLocalizer<LoginModel> text) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "account.username")]
    public string UserName { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "validation.required")]
    [Display(Name = "account.password")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var (outcome, user) = await signIn.CheckAsync(UserName, Password);
        if (outcome != SignInOutcome.Succeeded || user is null)
        {
            Password = "";
            ModelState.AddModelError(string.Empty, text[outcome == SignInOutcome.Throttled ? "account.login.throttled" : "account.login.failed"]);
            return Page();
        }

        await signIn.SignInPageAsync(user);
        return LocalRedirect(LocalUrls.Safe(ReturnUrl));
    }
}
