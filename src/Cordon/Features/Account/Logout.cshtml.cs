using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Account;

public sealed class LogoutModel(SignInManager<CordonUser> manager, CordonDb db) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        db.Audit(AuditAction.SignOut, "User", db.Caller.UserId);
        await db.SaveChangesAsync();
        await manager.SignOutAsync();
        return RedirectToPage("/Account/Login");
    }
}
