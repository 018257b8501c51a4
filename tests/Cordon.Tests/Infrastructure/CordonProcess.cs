using System.Diagnostics;

namespace Cordon.Tests.Infrastructure;

/// <summary>Runs the app as an operator does, in its own process (for start-up refusals and console commands).</summary>
public static class CordonProcess
{
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(IEnumerable<string> arguments, TestDatabase? database = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (database is not null)
        {
            start.ArgumentList.Add("--Cordon:DataDirectory=" + database.DataDirectory);
            start.ArgumentList.Add("--Cordon:Database:Provider=" + database.Provider);
            if (database.ConnectionString is not null)
            {
                start.ArgumentList.Add("--ConnectionStrings:Cordon=" + database.ConnectionString);
            }
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
