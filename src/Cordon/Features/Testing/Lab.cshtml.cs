using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Testing;

/// <summary>Upload the lab's results file; see what changed, what is unknown, which pools are positive.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ReportResults))]
[RequestSizeLimit(SpreadsheetReader.MaxFileBytes * 3)]
[RequestFormLimits(MultipartBodyLengthLimit = SpreadsheetReader.MaxFileBytes * 3)]
public sealed class LabModel(CordonDb db, Caller caller, SamplingCache cache, Catalog catalog, LocalTime localTime, TimeProvider clock) : PageModel
{
    [BindProperty]
    public IFormFile? Upload { get; set; }

    public LabReport? Report { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (Upload is not { Length: > 0 } || Upload.Length > SpreadsheetReader.MaxFileBytes)
        {
            Error = catalog.Message(Upload is null ? FileErrors.FileMissing : FileErrors.FileTooLarge, SpreadsheetReader.MaxFileBytes / 1024 / 1024);
            return Page();
        }

        try
        {
            await using var stream = Upload.OpenReadStream();
            var items = LabResults.Read(stream, Upload.FileName);
            Report = await LabResults.ApplyAsync(db, caller, cache, catalog, localTime, items, clock.GetUtcNow().UtcDateTime, cancellationToken);
        }
        catch (SpreadsheetException e)
        {
            Error = catalog.Message(e.Error, e.Args);
        }

        return Page();
    }
}
