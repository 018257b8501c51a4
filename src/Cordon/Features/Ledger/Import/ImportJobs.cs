using System.Text.Json;
using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Ledger.Import;

/// <summary>Where an import's files are: all in the data directory, named by user and job, never by what they hold.</summary>
public static class ImportFiles
{
    /// <summary>An upload waiting for its preview to be confirmed (30 minutes at most); its token is the preview's job id.</summary>
    public static string Waiting(DataDirectory data, string userId, Guid job) => Path.Combine(data.Sub("imports"), $"{userId}-{job:N}.upload");

    /// <summary>An upload a queued or running job holds; kept until the job ends.</summary>
    public static string Held(DataDirectory data, Guid job) => Path.Combine(data.Sub(UploadSweeper.HeldFolder), $"{job:N}.upload");

    /// <summary>The user's rows with errors and a first column 错误, offered back for 30 minutes.</summary>
    public static string ErrorRows(DataDirectory data, string userId, Guid job) => Path.Combine(data.Sub("imports"), $"{userId}-{job:N}.errors.xlsx");

    /// <summary>Moves a file, its clock restarted: a waiting upload counts its 30 minutes from when it began to wait.</summary>
    public static void Move(string from, string to, TimeProvider clock)
    {
        File.Move(from, to, overwrite: true);
        File.SetLastWriteTimeUtc(to, clock.GetUtcNow().UtcDateTime);
    }

    public static void Delete(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }
}

/// <summary>How an import was started: answered at once (a small file), or queued as a background job.</summary>
public sealed record ImportStart(ImportJob Job, ImportReport? Report);

/// <summary>
/// Starts imports and answers for them. A small file is imported in the request, as it always was; a large one (over
/// <see cref="ImportOptions.BackgroundAboveBytes"/> or <see cref="ImportOptions.BackgroundAboveRows"/>) becomes a
/// queued <see cref="ImportJob"/>, and so does a real import while another job of the sub-district is queued or
/// running: one import at a time per sub-district. Every run is recorded as a job, so its result, its progress and
/// its rows with errors can be asked for again after the page is closed.
/// </summary>
public sealed class ImportJobs(
    CordonDb db, Caller caller, LedgerImporter importer, DataDirectory data, IOptions<ImportOptions> options, ImportQueue queue,
    LocalTime time, TimeProvider clock)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    /// <summary>
    /// Imports (or queues) the upload at <paramref name="upload"/>, which is the waiting file of <paramref name="id"/> or
    /// of an earlier preview. A refused file (not a spreadsheet, no header) throws <see cref="SpreadsheetException"/>
    /// before any job is recorded.
    /// </summary>
    public async Task<ImportStart> StartAsync(Guid id, string upload, string fileName, bool dryRun, ImportMode mode, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var bytes = new FileInfo(upload).Length;
        ImportProbe probe;
        await using (var file = File.OpenRead(upload))
        {
            probe = LedgerImporter.Probe(file, fileName, bytes > settings.BackgroundAboveBytes ? 0 : settings.BackgroundAboveRows, time.Today, data);
        }

        var job = new ImportJob
        {
            Id = id,
            SubdistrictId = caller.SubdistrictId,
            UserId = caller.UserId!,
            UserName = caller.UserName,
            FileName = fileName.Length > 200 ? fileName[^200..] : fileName,
            FileBytes = bytes,
            DryRun = dryRun,
            Mode = mode,
            State = ImportJobState.Queued,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };

        var large = bytes > settings.BackgroundAboveBytes || probe.RowsSeen > settings.BackgroundAboveRows;
        if (large || (!dryRun && await BusyAsync(cancellationToken)))
        {
            ImportFiles.Move(upload, ImportFiles.Held(data, id), clock);
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            queue.Signal();
            return new ImportStart(job, null);
        }

        job.StartedAt = job.CreatedAt;
        var errorRows = ImportFiles.ErrorRows(data, job.UserId, id);
        ImportReport report;
        await using (var file = File.OpenRead(upload))
        await using (var errors = Uploads.CreateOwnerOnly(errorRows))
        {
            report = await importer.ImportAsync(file, fileName, new ImportRun(dryRun, mode) { JobId = id, At = job.StartedAt, ErrorRows = errors }, cancellationToken);
        }

        if (report.RowsWithErrors == 0)
        {
            File.Delete(errorRows);
        }

        Record(job, report);
        job.State = ImportJobState.Done;
        job.FinishedAt = clock.GetUtcNow().UtcDateTime;
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        if (report.Committed)
        {
            File.Delete(upload);
        }
        else if (upload != ImportFiles.Waiting(data, job.UserId, id))
        {
            // Nothing was written: the file waits under this run's id, for the other choice without a second upload.
            ImportFiles.Move(upload, ImportFiles.Waiting(data, job.UserId, id), clock);
        }

        return new ImportStart(job, report);
    }

    /// <summary>The caller's own job; another user's is not found (its errors hold their file's values).</summary>
    public Task<ImportJob?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id && j.UserId == caller.UserId, cancellationToken);

    public Task<List<ImportJob>> RecentAsync(int count, CancellationToken cancellationToken) =>
        db.ImportJobs.AsNoTracking().Where(j => j.UserId == caller.UserId).OrderByDescending(j => j.CreatedAt).Take(count).ToListAsync(cancellationToken);

    /// <summary>Jobs of the sub-district ahead of this one in the queue (0: it is next, or running).</summary>
    public async Task<int> AheadAsync(ImportJob job, CancellationToken cancellationToken) =>
        await db.ImportJobs.CountAsync(j => (j.State == ImportJobState.Running || (j.State == ImportJobState.Queued && j.CreatedAt < job.CreatedAt)) && j.Id != job.Id, cancellationToken);

    /// <summary>
    /// Cancels the caller's job: a queued one at once (its file deleted), a running one between two chunks (the runner
    /// checks after each). A finished job is refused: what it wrote stays written.
    /// </summary>
    public async Task<(ImportJob? Job, Platform.Web.Error? Error)> CancelAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var mine = db.ImportJobs.Where(j => j.Id == id && j.UserId == caller.UserId);
        if (await mine.Where(j => j.State == ImportJobState.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, ImportJobState.Cancelled).SetProperty(j => j.CancelRequested, true).SetProperty(j => j.FinishedAt, now), cancellationToken) == 1)
        {
            ImportFiles.Delete(ImportFiles.Held(data, id));
        }
        else
        {
            await mine.Where(j => j.State == ImportJobState.Running).ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), cancellationToken);
        }

        var job = await FindAsync(id, cancellationToken);
        return job switch
        {
            null => (null, null),
            { State: ImportJobState.Done or ImportJobState.Failed } => (job, LedgerErrors.ImportFinished),
            _ => (job, null),
        };
    }

    /// <summary>Whether the upload of a finished run still waits for a choice (30 minutes after the run).</summary>
    public bool Waiting(ImportJob job) => File.Exists(ImportFiles.Waiting(data, job.UserId, job.Id));

    public int? EstimatedRows(ImportJob job) => queue.EstimatedRows(job.Id);

    public bool HasErrorRows(ImportJob job) => File.Exists(ImportFiles.ErrorRows(data, job.UserId, job.Id));

    public string ErrorRowsPath(ImportJob job) => ImportFiles.ErrorRows(data, job.UserId, job.Id);

    /// <summary>The compounds that received the residents a run created, with how many: the links of "已导入 N 人".</summary>
    public async Task<List<(Guid Id, string Name, int Count)>> CreatedInAsync(ImportJob job, CancellationToken cancellationToken)
    {
        if (job.Created == 0 || job.StartedAt is not { } at)
        {
            return [];
        }

        // Every resident a run creates carries the run's start as its creation time (ImportRun.At).
        var rows = await db.Residents.Where(r => r.CreatedAt == at)
            .GroupBy(r => r.CompoundId).Select(g => new { Id = g.Key, Count = g.Count() })
            .Join(db.Compounds, g => g.Id, c => c.Id, (g, c) => new { g.Id, c.Name, g.Count })
            .OrderByDescending(x => x.Count).Take(20).ToListAsync(cancellationToken);
        return [.. rows.Select(r => (r.Id, r.Name, r.Count))];
    }

    /// <summary>The job's counts and first errors from a report.</summary>
    public static void Record(ImportJob job, ImportReport report)
    {
        job.RowsRead = report.RowsRead;
        job.RowsChecked = report.RowsChecked;
        job.RowsWritten = report.Committed ? report.Created + report.Updated : 0;
        job.Created = report.Created;
        job.Updated = report.Updated;
        job.Unchanged = report.Unchanged;
        job.ErrorCount = report.ErrorCount;
        job.RowsWithErrors = report.RowsWithErrors;
        job.Errors = JsonSerializer.Serialize(report.Errors, Json);
    }

    public static IReadOnlyList<ImportError> ErrorsOf(ImportJob job) =>
        JsonSerializer.Deserialize<List<ImportError>>(job.Errors, Json) ?? [];

    private Task<bool> BusyAsync(CancellationToken cancellationToken) =>
        db.ImportJobs.AnyAsync(j => j.State == ImportJobState.Queued || j.State == ImportJobState.Running, cancellationToken);
}
