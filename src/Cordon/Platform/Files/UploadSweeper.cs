namespace Cordon.Platform.Files;

/// <summary>
/// An uploaded spreadsheet waiting for its preview to be confirmed holds full ID numbers: it lives 30 minutes at
/// most, whether or not anyone confirms or cancels it. Runs every five minutes.
/// </summary>
internal sealed class UploadSweeper(DataDirectory data, TimeProvider clock, ILogger<UploadSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(5), clock);
        do
        {
            Sweep();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public void Sweep()
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - MaxAge;
        foreach (var file in Directory.EnumerateFiles(data.Sub("imports")))
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
}
