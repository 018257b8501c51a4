using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

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

    public List<TubeCorrection> Pending { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    [Requires(Permission.Command)]
    public Task<IActionResult> OnPostConfirmAsync(Guid id, CancellationToken cancellationToken) => DecideAsync(id, true, cancellationToken);

    [Requires(Permission.Command)]
    public Task<IActionResult> OnPostRejectAsync(Guid id, CancellationToken cancellationToken) => DecideAsync(id, false, cancellationToken);

    private async Task<IActionResult> DecideAsync(Guid id, bool confirm, CancellationToken cancellationToken)
    {
        var result = await LabApi.DecideAsync(id, confirm, db, caller, cache, catalog, clock, cancellationToken);
        if (result.Result is Microsoft.AspNetCore.Http.HttpResults.NotFound)
        {
            return NotFound();
        }

        return Redirect("/Testing/Lab");
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Pending = await db.TubeCorrections.AsNoTracking().Where(c => c.Status == CorrectionStatus.Pending).OrderBy(c => c.RequestedAt).Take(200).ToListAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (Upload is not { Length: > 0 } || Upload.Length > SpreadsheetReader.MaxFileBytes)
        {
            Error = catalog.Message(Upload is null ? FileErrors.FileMissing : FileErrors.FileTooLarge, SpreadsheetReader.MaxFileBytes / 1024 / 1024);
            await LoadAsync(cancellationToken);
            return Page();
        }

        try
        {
            await using var stream = Upload.OpenReadStream();
            var items = LabResults.Read(stream, Upload.FileName);
            Report = await LabResults.ApplyAndSaveAsync(db, caller, cache, catalog, localTime, items, clock.GetUtcNow().UtcDateTime, cancellationToken);
        }
        catch (SpreadsheetException e)
        {
            Error = catalog.Message(e.Error, e.Args);
        }

        await LoadAsync(cancellationToken);
        return Page();
    }
}
