using Mesh.Server.Logging;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Hosting;

/// <summary>
/// One server's logger factory: writes through the process's factory at the agent's <c>log_level</c> (changeable by a
/// reload) and copies every line some monitor wants to the server's <see cref="LogBroadcast"/>, whatever the level
/// of the process's own output. DotNext's Raft chatter stays at errors unless the level is debug or trace, as at start.
/// </summary>
internal sealed class MonitoredLoggerFactory(ILoggerFactory inner, LogBroadcast broadcast, LogLevel level) : ILoggerFactory
{
    private volatile int _level = (int)level;

    public LogLevel Level
    {
        get => (LogLevel)_level;
        set => _level = (int)value;
    }

    public ILogger CreateLogger(string categoryName) => new MonitoredLogger(inner.CreateLogger(categoryName), categoryName, this);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The process's factory belongs to the process.
    }

    private bool Writes(string category, LogLevel level)
    {
        var minimum = Level;
        if (category.StartsWith("DotNext", StringComparison.Ordinal) && minimum > LogLevel.Debug)
        {
            minimum = LogLevel.Error;
        }

        return level >= minimum && level != LogLevel.None && !Quieted(category, level);
    }

    /// <summary>
    /// ASP.NET Core's own information lines are left out, as the agent's process filter does: its request lines carry
    /// the query string, and with it a <c>?token=</c> secret, which must reach neither the log nor a monitor.
    /// </summary>
    private static bool Quieted(string category, LogLevel level)
        => level < LogLevel.Warning && category.StartsWith("Microsoft", StringComparison.Ordinal);

    private sealed class MonitoredLogger(ILogger inner, string category, MonitoredLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel)
            => (owner.Writes(category, logLevel) && inner.IsEnabled(logLevel)) || owner.Monitored(category, logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (owner.Writes(category, logLevel) && inner.IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }

            if (owner.Monitored(category, logLevel))
            {
                owner.Publish(new LogLine(DateTimeOffset.UtcNow, logLevel, category, formatter(state, exception), exception?.ToString()));
            }
        }
    }

    private bool Monitored(LogLevel level) => level != LogLevel.None && broadcast.Wants(level);

    private bool Monitored(string category, LogLevel level) => !Quieted(category, level) && Monitored(level);

    private void Publish(LogLine line) => broadcast.Publish(line);
}
