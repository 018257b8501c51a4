using Cordon.Platform.Auth;

namespace Cordon.Platform.Files;

/// <summary>
/// Background work that holds an upload longer than a preview waits (an import queued or running) says so here;
/// its files live in <see cref="UploadSweeper.HeldFolder"/>, named <c>{key}.upload</c>.
/// </summary>
public interface IUploadHolder
{
    /// <summary>The keys of the held files still needed; any other held file is swept.</summary>
    Task<IReadOnlySet<string>> HeldAsync(CancellationToken cancellationToken);
}

/// <summary>
/// An uploaded spreadsheet holds full ID numbers. One waiting for its preview to be confirmed (and a file of rows
/// with errors offered back) lives 30 minutes at most, whether or not anyone confirms or cancels it. A file held by
/// a queued or running import is kept until the import ends, however long the queue; once no holder claims it, it
/// goes too. Runs every five minutes.
/// </summary>
internal sealed class UploadSweeper(DataDirectory data, IServiceScopeFactory scopes, TimeProvider clock, ILogger<UploadSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(30);

    /// <summary>Below the imports folder, so the 30-minute sweep of waiting uploads never reaches it.</summary>
    public const string HeldFolder = "imports/held";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(5), clock);
        do
        {
            Sweep();
            try
            {
                await SweepHeldAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Held uploads could not be checked");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public void Sweep()
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - MaxAge;
        foreach (var file in Directory.EnumerateFiles(data.Sub("imports")))
        {
            Delete(file, cutoff);
        }
    }

    /// <summary>Held files that no holder claims any more (their import ended, or the process died before it could say so).</summary>
    public async Task SweepHeldAsync(CancellationToken cancellationToken)
    {
        var files = Directory.GetFiles(data.Sub(HeldFolder));
        if (files.Length == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem("upload-sweeper");
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var holder in scope.ServiceProvider.GetServices<IUploadHolder>())
        {
            held.UnionWith(await holder.HeldAsync(cancellationToken));
        }

        // A file younger than the sweep's age may belong to a job being created right now.
        var cutoff = clock.GetUtcNow().UtcDateTime - MaxAge;
        foreach (var file in files.Where(f => !held.Contains(Path.GetFileNameWithoutExtension(f))))
        {
            Delete(file, cutoff);
        }
    }

    private void Delete(string file, DateTime cutoff)
    {
        try
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff)
            {
                File.Delete(file);
            }
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "An old upload could not be deleted");
        }
    }
}
