using Cordon.Platform.Auth;
using Cordon.Platform.Data;

namespace Cordon.Platform;

/// <summary>Work done once at start, after migrations, in a system scope (demo data, setup code).</summary>
public interface IStartupTask
{
    Task RunAsync(IServiceProvider services, CancellationToken cancellationToken);
}

public static class StartupTasks
{
    /// <summary>
    /// Applies migrations for the configured provider, runs the features' start-up tasks, then a console command if
    /// one was given (<c>--reset-password name</c>); true when that command ran and the process should end.
    /// </summary>
    public static async Task<bool> PrepareAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAsSystem();
        await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<CordonDb>(), cancellationToken);
        foreach (var task in scope.ServiceProvider.GetServices<IStartupTask>())
        {
            await task.RunAsync(scope.ServiceProvider, cancellationToken);
        }

        return await ConsoleCommands.RunAsync(scope.ServiceProvider, cancellationToken);
    }
}
