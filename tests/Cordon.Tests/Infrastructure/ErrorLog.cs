using Microsoft.Extensions.Logging;

namespace Cordon.Tests.Infrastructure;

/// <summary>
/// Server-side errors of the apps under test, appended to one file (path in <see cref="Path"/>) so a
/// 500 seen by a test can be read with its stack trace.
/// </summary>
public sealed class ErrorLog : ILoggerProvider
{
    public static readonly string Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cordon-test-errors.log");

    private static readonly Lock Gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            lock (Gate)
            {
                File.AppendAllText(Path, $"{DateTime.UtcNow:O} {category}: {formatter(state, exception)}\n{exception}\n\n");
            }
        }
    }
}
