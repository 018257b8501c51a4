using System.Text.Json;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// The supervisors' inbox of samples refused at sync: register each into another tube (a new record)
/// or dismiss it with a note. Both are audited.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageTesting))]
public sealed class ConflictsModel(CordonDb db, Caller caller, SampleWriter writer, Catalog catalog, TimeProvider clock) : PageModel
{
    public List<SyncConflict> Open { get; private set; } = [];

    public List<SyncConflict> Closed { get; private set; } = [];

    public Dictionary<Guid, string> Rounds { get; private set; } = [];

    public string? Message { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostResolveAsync(Guid id, string? tubeCode, CancellationToken cancellationToken)
    {
        var conflict = await db.SyncConflicts.SingleOrDefaultAsync(c => c.Id == id && c.Status == ConflictStatus.Open, cancellationToken);
        var original = conflict is null ? null : JsonSerializer.Deserialize<SampleCommand>(conflict.Payload);
        if (conflict is null || original is null)
        {
            return NotFound();
        }

        var retry = original with { Id = Guid.CreateVersion7(), TubeCode = string.IsNullOrWhiteSpace(tubeCode) ? original.TubeCode : tubeCode.Trim(), DeviceId = null, DeviceSequence = null };
        if (writer.TryEnqueue(retry, Sampler.Of(caller)) is not { } done)
        {
            Message = catalog.Message(TestingErrors.Busy);
            await LoadAsync(cancellationToken);
            return Page();
        }

        var outcome = await done;
        if (outcome.Error is { } error)
        {
            Message = catalog.Message(error, outcome.Args ?? []);
            await LoadAsync(cancellationToken);
            return Page();
        }

        Close(conflict, ConflictStatus.Resolved, $"→ {retry.TubeCode}", retry.Id);
        await db.SaveChangesAsync(cancellationToken);
        return Redirect("/Testing/Conflicts");
    }

    public async Task<IActionResult> OnPostDismissAsync(Guid id, string? note, CancellationToken cancellationToken)
    {
        var conflict = await db.SyncConflicts.SingleOrDefaultAsync(c => c.Id == id && c.Status == ConflictStatus.Open, cancellationToken);
        if (conflict is null)
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(note) || note.Trim().Length < 2)
        {
            Message = catalog.Message(TestingErrors.DismissNoteMissing);
            await LoadAsync(cancellationToken);
            return Page();
        }

        Close(conflict, ConflictStatus.Dismissed, note.Trim()[..Math.Min(300, note.Trim().Length)], null);
        await db.SaveChangesAsync(cancellationToken);
        return Redirect("/Testing/Conflicts");
    }

    private void Close(SyncConflict conflict, ConflictStatus status, string resolution, Guid? record)
    {
        conflict.Status = status;
        conflict.Resolution = resolution;
        conflict.ResolvedBy = caller.UserName;
        conflict.ResolvedAt = clock.GetUtcNow().UtcDateTime;
        conflict.ResolvedRecordId = record;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Open = await db.SyncConflicts.AsNoTracking().Where(c => c.Status == ConflictStatus.Open).OrderBy(c => c.CreatedAt).Take(500).ToListAsync(cancellationToken);
        Closed = await db.SyncConflicts.AsNoTracking().Where(c => c.Status != ConflictStatus.Open).OrderByDescending(c => c.ResolvedAt).Take(50).ToListAsync(cancellationToken);
        var ids = Open.Concat(Closed).Select(c => c.RoundId).Distinct().ToList();
        Rounds = await db.TestingRounds.Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
    }

    public static SampleCommand? Command(SyncConflict conflict) => JsonSerializer.Deserialize<SampleCommand>(conflict.Payload);
}
