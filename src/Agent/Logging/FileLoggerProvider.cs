using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Agent.Logging;

/// <summary>Writes every log line also to a <see cref="RotatingLogFile"/>, in the console's format (JSON or text).</summary>
public sealed class FileLoggerProvider(RotatingLogFile file, bool json, TimeProvider? clock = null) : ILoggerProvider
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose() => file.Dispose();

    private void Write<TState>(in LogEntry<TState> entry)
    {
        var now = _clock.GetUtcNow();
        file.Write(json ? ConsulJsonFormatter.Format(entry, now) + "\n" : ReadableTextFormatter.Format(entry, now));
    }

    private sealed class FileLogger(FileLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
            }
        }
    }
}
