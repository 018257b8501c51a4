using System.Collections.Concurrent;
using System.Globalization;
using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Ledger.Import;

/// <summary>Wakes the runner when a job is queued, and keeps what only this node knows of its running jobs.</summary>
public sealed class ImportQueue
{
    private readonly SemaphoreSlim _signal = new(0);
    private readonly ConcurrentDictionary<Guid, int> _estimates = new();

    public void Signal() => _signal.Release();

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>About how many rows a running job's file has (null: not known on this node): the progress bar's end.</summary>
    public int? EstimatedRows(Guid job) => _estimates.TryGetValue(job, out var rows) ? rows : null;

    internal void Estimate(Guid job, int? rows)
    {
        if (rows is { } known)
        {
            _estimates[job] = known;
        }
    }

    internal void Forget(Guid job) => _estimates.TryRemove(job, out _);
}

/// <summary>
/// Runs queued imports: one at a time per sub-district, up to <see cref="ImportOptions.ParallelSubdistricts"/> sub-districts
/// at once, each as the user who started it (their jurisdiction and roles as they are when it starts).
/// <para>
/// What a job writes. A dry run (the preview) and the check of an all-or-nothing run write nothing at all. A real run
/// commits each chunk of 2,000 rows on its own, so registrations keep writing between chunks and the progress is true.
/// "All or nothing" for a background job therefore means: the whole file is checked first, and nothing is written if
/// any row is wrong; if none is, the file is written chunk by chunk. "Only the valid rows" writes while it checks.
/// A cancel stops between two chunks: the chunks before it stay written (the job says how many), and importing the
/// same file again completes it without doubling anyone. A job that a restart interrupted is run again from the start
/// when the app comes back, for the same reason.
/// </para>
/// After a job that wrote rows on PostgreSQL, the ledger's planner statistics are refreshed at once (ANALYZE), so
/// the next queries do not plan with the empty tables' statistics.
/// </summary>
internal sealed class ImportJobRunner(
    IServiceScopeFactory scopes, ImportQueue queue, IOptions<ImportOptions> options, DataDirectory data, Catalog catalog,
    TimeProvider clock, ILogger<ImportJobRunner> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeInterruptedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StartNextAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The import queue could not be read");
            }

            try
            {
                await queue.WaitAsync(TimeSpan.FromSeconds(2), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_running.Values);
    }

    private async Task ResumeInterruptedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("import-runner");
        var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
        var resumed = await db.ImportJobs.Where(j => j.State == ImportJobState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, ImportJobState.Queued).SetProperty(j => j.StartedAt, (DateTime?)null), cancellationToken);
        if (resumed > 0)
        {
            logger.LogInformation("{Count} interrupted import job(s) queued again", resumed);
        }
    }

    private async Task StartNextAsync(CancellationToken stoppingToken)
    {
        while (_running.Count < Math.Max(1, options.Value.ParallelSubdistricts))
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("import-runner");
            var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
            var queued = await db.ImportJobs.AsNoTracking().Where(j => j.State == ImportJobState.Queued)
                .OrderBy(j => j.CreatedAt).Select(j => new { j.Id, j.SubdistrictId }).Take(50).ToListAsync(stoppingToken);
            var next = queued.FirstOrDefault(j => !_running.ContainsKey(j.SubdistrictId));
            if (next is null)
            {
                return;
            }

            // The claim is one guarded update: still queued, and nothing else of its sub-district running.
            var now = clock.GetUtcNow().UtcDateTime;
            var claimed = await db.ImportJobs
                .Where(j => j.Id == next.Id && j.State == ImportJobState.Queued
                    && !db.Set<ImportJob>().Any(o => o.SubdistrictId == next.SubdistrictId && o.State == ImportJobState.Running))
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, ImportJobState.Running).SetProperty(j => j.StartedAt, now), stoppingToken);
            if (claimed == 0)
            {
                return;
            }

            _running[next.SubdistrictId] = Task.Run(async () =>
            {
                try
                {
                    await RunAsync(next.Id, stoppingToken);
                }
                finally
                {
                    _running.TryRemove(next.SubdistrictId, out _);
                    queue.Signal();
                }
            }, CancellationToken.None);
        }
    }

    private async Task RunAsync(Guid id, CancellationToken stoppingToken)
    {
        // Messages of the run (errors in the job, the rows-with-errors file) default to Chinese; English is stored beside.
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(Cultures.Chinese);
        ImportJob job;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("import-runner");
            job = await scope.ServiceProvider.GetRequiredService<CordonDb>().ImportJobs.AsNoTracking().SingleAsync(j => j.Id == id, stoppingToken);
        }

        var held = ImportFiles.Held(data, id);
        var finished = false;
        try
        {
            queue.Estimate(id, File.Exists(held) ? SpreadsheetReader.EstimateRows(held) : null);
            var (state, failure) = await ImportAsync(job, held, stoppingToken);
            await FinishAsync(id, state, failure, stoppingToken);
            finished = true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the job stays "running" and is run again at the next start (ResumeInterruptedAsync).
        }
        catch (Exception e)
        {
            logger.LogError(e, "Import job {Job} failed", id);
            await FinishAsync(id, ImportJobState.Failed, LedgerErrors.ImportFailed, CancellationToken.None);
            finished = true;
        }
        finally
        {
            queue.Forget(id);
        }

        if (finished)
        {
            // The upload is kept only where nothing was written and a choice may follow (a preview, an all-or-nothing
            // run that found errors): back among the waiting uploads, for 30 minutes. Anything else is deleted now.
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("import-runner");
            var done = await scope.ServiceProvider.GetRequiredService<CordonDb>().ImportJobs.AsNoTracking().SingleAsync(j => j.Id == id, CancellationToken.None);
            if (done.State == ImportJobState.Done && done.RowsWritten == 0 && File.Exists(held))
            {
                ImportFiles.Move(held, ImportFiles.Waiting(data, done.UserId, id), clock);
            }
            else
            {
                ImportFiles.Delete(held);
            }
        }
    }

    private async Task<(ImportJobState State, Error? Failure)> ImportAsync(ImportJob job, string held, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (!File.Exists(held))
        {
            return (ImportJobState.Failed, LedgerErrors.ImportFileGone);
        }

        // As the user who started it, as they are now: removed, locked or no longer allowed to import, the job stops.
        if (await services.GetRequiredService<AccessCache>().GetAsync(job.UserId) is not { } access
            || access.SubdistrictId != job.SubdistrictId
            || !RolePermissions.For(access.Roles).Contains(Permission.ImportLedger))
        {
            return (ImportJobState.Failed, LedgerErrors.ImportUserInactive);
        }

        services.GetRequiredService<Caller>().ActAs(access);
        var importer = services.GetRequiredService<LedgerImporter>();
        var errorRows = ImportFiles.ErrorRows(data, job.UserId, job.Id);
        var at = job.StartedAt ?? clock.GetUtcNow().UtcDateTime;
        await using var progress = new JobProgress(scopes, job.Id, job.DryRun);

        ImportReport report;
        try
        {
            if (!job.DryRun && job.Mode == ImportMode.AllOrNothing)
            {
                // All or nothing: the whole file is checked first; one wrong row and nothing is written.
                var check = await RunOnceAsync(importer, job, held, errorRows, new ImportRun(false, ImportMode.AllOrNothing)
                {
                    Writes = ImportWrites.None,
                    JobId = job.Id,
                    At = at,
                    AfterChunk = progress.Checked,
                }, stoppingToken);
                if (check.Cancelled)
                {
                    await progress.FinalAsync(check, written: false);
                    return (ImportJobState.Cancelled, null);
                }

                if (check.ErrorCount > 0)
                {
                    await progress.FinalAsync(check, written: false);
                    return (ImportJobState.Done, null);
                }

                progress.WritePass(check.RowsRead, check.RowsChecked);
                report = await WriteAsync(job, access, held, errorRows, at, progress, stoppingToken);
            }
            else if (job.DryRun)
            {
                report = await RunOnceAsync(importer, job, held, errorRows, new ImportRun(true, job.Mode)
                {
                    Writes = ImportWrites.None,
                    JobId = job.Id,
                    At = at,
                    AfterChunk = progress.Checked,
                }, stoppingToken);
            }
            else
            {
                report = await RunOnceAsync(importer, job, held, errorRows, new ImportRun(false, job.Mode)
                {
                    Writes = ImportWrites.EachChunk,
                    JobId = job.Id,
                    At = at,
                    AfterChunk = progress.Written,
                }, stoppingToken);
            }
        }
        catch (SpreadsheetException e)
        {
            // Found late (row 500,001): the file as a whole is refused; what earlier chunks committed stays.
            ImportFiles.Delete(errorRows);
            return (ImportJobState.Failed, e.Error);
        }

        await progress.FinalAsync(report, written: report.Committed);
        if (report.Committed && services.GetRequiredService<CordonDb>().Database.IsNpgsql())
        {
            await AnalyzeAsync(services.GetRequiredService<CordonDb>(), stoppingToken);
        }

        return (report.Cancelled ? ImportJobState.Cancelled : ImportJobState.Done, null);
    }

    /// <summary>The write pass of an all-or-nothing job, in a fresh scope (a fresh context) as the same user.</summary>
    private async Task<ImportReport> WriteAsync(
        ImportJob job, UserAccess access, string held, string errorRows, DateTime at, JobProgress progress, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(access);
        var importer = scope.ServiceProvider.GetRequiredService<LedgerImporter>();
        return await RunOnceAsync(importer, job, held, errorRows, new ImportRun(false, ImportMode.AllOrNothing)
        {
            Writes = ImportWrites.EachChunk,
            JobId = job.Id,
            At = at,
            AfterChunk = progress.Written,
        }, stoppingToken);
    }

    private async Task<ImportReport> RunOnceAsync(LedgerImporter importer, ImportJob job, string held, string errorRows, ImportRun run, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        ImportReport report;
        await using (var file = File.OpenRead(held))
        {
            ImportFiles.Delete(errorRows);
            await using var errors = Uploads.CreateOwnerOnly(errorRows);
            report = await importer.ImportAsync(file, job.FileName, run with { ErrorRows = errors }, cancellationToken);
        }

        if (report.RowsWithErrors == 0)
        {
            ImportFiles.Delete(errorRows);
        }

        logger.LogInformation("Import job {Job}: {Pass} of {Rows} rows in {Seconds:F1} s", job.Id, run.Writes == ImportWrites.None ? "check" : "write", report.RowsRead, clock.GetElapsedTime(started).TotalSeconds);
        return report;
    }

    private static async Task AnalyzeAsync(CordonDb db, CancellationToken cancellationToken)
    {
        var tables = new[] { typeof(Platform.Places.Neighborhood), typeof(Platform.Places.Compound), typeof(Platform.Places.Building), typeof(Platform.Places.Flat), typeof(Platform.People.Household), typeof(Platform.People.Resident), typeof(Platform.Audit.AuditEntry) }
            .Select(t => db.Model.FindEntityType(t)!.GetTableName()!)
            .Select(name => "\"" + name + "\"");
#pragma warning disable EF1003 // The names are the model's own table names, quoted; nothing comes from a user.
        await db.Database.ExecuteSqlRawAsync("ANALYZE " + string.Join(", ", tables), cancellationToken);
#pragma warning restore EF1003
    }

    private async Task FinishAsync(Guid id, ImportJobState state, Error? failure, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("import-runner");
        var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
        var text = failure is null ? null : Failure(failure);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, state)
            .SetProperty(j => j.Failure, text)
            .SetProperty(j => j.FinishedAt, now), cancellationToken);
    }

    /// <summary>A failure as stored: its code, then the Chinese and English texts, one per line.</summary>
    private string Failure(Error error)
    {
        var args = error == FileErrors.FileTooManyRows ? new object?[] { SpreadsheetReader.MaxRows } : error == FileErrors.FileTooLarge ? [SpreadsheetReader.MaxFileBytes / 1024 / 1024] : [];
        var (zh, en) = catalog.Both(error.MessageKey, args);
        var text = $"{error.Code}\n{zh}\n{en}";
        return text.Length > 500 ? text[..500] : text;
    }

    /// <summary>Writes a job's counts after every chunk, on its own connection, and reads back whether it was cancelled.</summary>
    private sealed class JobProgress(IServiceScopeFactory scopes, Guid id, bool dryRun) : IAsyncDisposable
    {
        private readonly AsyncServiceScope _scope = scopes.CreateAsyncScope();
        private int _read;
        private int _checked;

        private CordonDb Db
        {
            get
            {
                var caller = _scope.ServiceProvider.GetRequiredService<Caller>();
                if (!caller.IsSystem)
                {
                    caller.ActAsSystem("import-runner");
                }

                return _scope.ServiceProvider.GetRequiredService<CordonDb>();
            }
        }

        public void WritePass(int read, int rowsChecked) => (_read, _checked) = (read, rowsChecked);

        /// <summary>A pass that checks: rows read and checked, errors so far; nothing written.</summary>
        public async Task<bool> Checked(ImportProgress p, CancellationToken cancellationToken)
        {
            // A preview's counts are what it would write; an all-or-nothing check's are not shown as written.
            var preview = dryRun;
            await Db.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.RowsRead, p.RowsRead)
                .SetProperty(j => j.RowsChecked, p.RowsChecked)
                .SetProperty(j => j.Created, preview ? p.Created : 0)
                .SetProperty(j => j.Updated, preview ? p.Updated : 0)
                .SetProperty(j => j.Unchanged, preview ? p.Unchanged : 0)
                .SetProperty(j => j.ErrorCount, p.ErrorCount)
                .SetProperty(j => j.RowsWithErrors, p.RowsWithErrors), cancellationToken);
            return !await CancelRequestedAsync(cancellationToken);
        }

        /// <summary>A pass that writes: every count is of rows committed (each chunk is, before this is called).</summary>
        public async Task<bool> Written(ImportProgress p, CancellationToken cancellationToken)
        {
            await Db.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.RowsRead, Math.Max(_read, p.RowsRead))
                .SetProperty(j => j.RowsChecked, Math.Max(_checked, p.RowsChecked))
                .SetProperty(j => j.RowsWritten, p.Created + p.Updated)
                .SetProperty(j => j.Created, p.Created)
                .SetProperty(j => j.Updated, p.Updated)
                .SetProperty(j => j.Unchanged, p.Unchanged)
                .SetProperty(j => j.ErrorCount, p.ErrorCount)
                .SetProperty(j => j.RowsWithErrors, p.RowsWithErrors), cancellationToken);
            return !await CancelRequestedAsync(cancellationToken);
        }

        public async Task FinalAsync(ImportReport report, bool written)
        {
            var job = await Db.ImportJobs.SingleAsync(j => j.Id == id);
            ImportJobs.Record(job, report);
            job.RowsRead = Math.Max(_read, report.RowsRead);
            job.RowsChecked = Math.Max(_checked, report.RowsChecked);
            job.RowsWritten = written ? report.Created + report.Updated : 0;
            await Db.SaveChangesAsync();
        }

        public ValueTask DisposeAsync() => _scope.DisposeAsync();

        private Task<bool> CancelRequestedAsync(CancellationToken cancellationToken) =>
            Db.ImportJobs.Where(j => j.Id == id).Select(j => j.CancelRequested).SingleAsync(cancellationToken);
    }
}

/// <summary>The uploads held by queued and running jobs: kept by the sweeper until the job ends.</summary>
internal sealed class ImportUploads(CordonDb db) : IUploadHolder
{
    public async Task<IReadOnlySet<string>> HeldAsync(CancellationToken cancellationToken) =>
        (await db.ImportJobs.Where(j => j.State == ImportJobState.Queued || j.State == ImportJobState.Running)
            .Select(j => j.Id).ToListAsync(cancellationToken))
        .Select(id => id.ToString("N")).ToHashSet(StringComparer.Ordinal);
}
