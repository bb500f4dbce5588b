using Microsoft.Extensions.Logging;

namespace VideoPlatform.IntegrationTests.Infrastructure;

/// <summary>
/// Writes the instance's unhandled request errors (the 500s, logged by Api/Hosting/ErrorHandling under
/// "VideoPlatform.Errors") with their stack traces into the test run's output: the console logger's lines do not reach
/// the CI log, and a 500 seen by a test must say why.
/// </summary>
public sealed class UnhandledErrorsLog : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) =>
        categoryName == "VideoPlatform.Errors" ? new Writer(categoryName) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Writer(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                TestContext.Progress.WriteLine($"[{category}] {logLevel}: {formatter(state, exception)}{Environment.NewLine}{exception}");
            }
        }
    }
}
