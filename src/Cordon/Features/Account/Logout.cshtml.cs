using Cordon.Platform.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Account;

public sealed class LogoutModel(SignInManager<CordonUser> manager, SignInService signIn) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        await manager.SignOutAsync();
        return RedirectToPage("/Account/Login");
    }
}
