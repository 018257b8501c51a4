using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Staffing.Roster;

/// <summary>
/// Upload → checked and (unless only checked) stored in the request, with the per-row errors. Nothing binds the form:
/// the upload is streamed into the data folder, the antiforgery token checked by hand before a byte of it is written.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageStaff))]
[IgnoreAntiforgeryToken]
[RequestSizeLimit(StaffImport.MaxRequestBytes)]
public sealed class ImportModel(StaffImport import, Catalog catalog, IAntiforgery antiforgery) : PageModel
{
    public StaffImportReport? Report { get; private set; }

    public StaffImportMode Mode { get; private set; }

    public string? FileError { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>No parameters: any would make Razor Pages read the whole form first.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        var (report, refused, args) = await import.ReceiveAsync(Request, "Upload", async fields =>
        {
            if (fields.TryGetValue("__RequestVerificationToken", out var token))
            {
                Request.Headers["RequestVerificationToken"] = token;
            }

            return await antiforgery.IsRequestValidAsync(HttpContext) ? null : HttpErrors.BadRequest;
        }, fields =>
        {
            Mode = fields.GetValueOrDefault("Mode") == "valid" ? StaffImportMode.ValidOnly : StaffImportMode.AllOrNothing;
            return (fields.GetValueOrDefault("DryRun") == "true", Mode);
        }, HttpContext.RequestAborted);
        if (refused == HttpErrors.BadRequest)
        {
            return BadRequest();
        }

        if (report is null)
        {
            FileError = catalog.Message(refused ?? Platform.Files.FileErrors.FileMissing, args);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        Report = report;
        return Page();
    }
}
