using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Ledger.Import;

/// <summary>
/// Upload → preview (a dry run of the real import) → confirm. The upload waits in the data folder
/// between the two steps, for its uploader only, so nobody uploads twice.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ImportLedger))]
[RequestSizeLimit(SpreadsheetReader.MaxFileBytes * 3)]
[RequestFormLimits(MultipartBodyLengthLimit = SpreadsheetReader.MaxFileBytes * 3)]
public sealed class IndexModel(LedgerImporter importer, DataDirectory data, Caller caller, Catalog catalog, TimeProvider clock) : PageModel
{
    [BindProperty]
    public IFormFile? Upload { get; set; }

    [BindProperty]
    public string Mode { get; set; } = "all";

    [BindProperty]
    public string? Token { get; set; }

    [BindProperty]
    public string? FileName { get; set; }

    public ImportReport? Report { get; private set; }

    public string? FileError { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken)
    {
        if (Upload is not { Length: > 0 })
        {
            FileError = catalog.Message(FileErrors.FileMissing);
            return Page();
        }

        if (Upload.Length > SpreadsheetReader.MaxFileBytes)
        {
            FileError = catalog.Message(FileErrors.FileTooLarge, SpreadsheetReader.MaxFileBytes / 1024 / 1024);
            return Page();
        }

        CleanUp();
        Token = Guid.NewGuid().ToString("N");
        FileName = Path.GetFileName(Upload.FileName);
        await using (var target = System.IO.File.Create(PathOf(Token)))
        {
            await Upload.CopyToAsync(target, cancellationToken);
        }

        return await RunAsync(dryRun: true, cancellationToken);
    }

    public async Task<IActionResult> OnPostCommitAsync(CancellationToken cancellationToken)
    {
        if (Token is null || Token.Length != 32 || !Token.All(char.IsAsciiHexDigit) || !System.IO.File.Exists(PathOf(Token)))
        {
            FileError = catalog.Message(FileErrors.FileMissing);
            return Page();
        }

        var result = await RunAsync(dryRun: false, cancellationToken);
        if (Report is { Committed: true })
        {
            System.IO.File.Delete(PathOf(Token));
        }

        return result;
    }

    /// <summary>Cancel deletes the waiting upload at once: it holds full ID numbers.</summary>
    public IActionResult OnPostCancel()
    {
        if (Token is { Length: 32 } token && token.All(char.IsAsciiHexDigit) && System.IO.File.Exists(PathOf(token)))
        {
            System.IO.File.Delete(PathOf(token));
        }

        return Redirect("/Ledger/Import");
    }

    private async Task<IActionResult> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = System.IO.File.OpenRead(PathOf(Token!));
            Report = await importer.ImportAsync(stream, FileName ?? "upload", dryRun, Mode == "valid" ? ImportMode.ValidOnly : ImportMode.AllOrNothing, cancellationToken);
        }
        catch (SpreadsheetException e)
        {
            FileError = catalog.Message(e.Error, e.Args);
            System.IO.File.Delete(PathOf(Token!));
            Token = null;
        }

        return Page();
    }

    /// <summary>Uploads are per user: another user's token names a file that is not theirs.</summary>
    private string PathOf(string token) => Path.Combine(data.Sub("imports"), $"{caller.UserId}-{token}.upload");

    private void CleanUp()
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - Platform.Files.UploadSweeper.MaxAge;
        foreach (var file in Directory.EnumerateFiles(data.Sub("imports"), "*.upload"))
        {
            if (System.IO.File.GetLastWriteTimeUtc(file) < cutoff)
            {
                System.IO.File.Delete(file);
            }
        }
    }
}
