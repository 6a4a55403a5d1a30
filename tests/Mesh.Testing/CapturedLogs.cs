using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mesh.Testing;

/// <summary>A logger factory that keeps every formatted message, for tests that assert what a server logged.</summary>
public sealed class CapturedLogs : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public bool Contains(string text) => _lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
            }
        }
    }
}
