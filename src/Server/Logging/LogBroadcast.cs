using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Logging;

/// <summary>One log line as <c>/v1/agent/monitor</c> streams it.</summary>
public sealed record LogLine(DateTimeOffset Time, LogLevel Level, string Category, string Message, string? Exception);

/// <summary>
/// Fans a server's log lines out to the monitors attached at the moment (<c>GET /v1/agent/monitor</c>). Each monitor
/// has its own bounded channel: a slow reader loses lines (counted) instead of slowing the server down.
/// </summary>
public sealed class LogBroadcast
{
    private ImmutableArray<LogSubscription> _subscriptions = [];

    /// <summary>True when some monitor wants lines at this level (so a logger formats them even if its own level would not).</summary>
    public bool Wants(LogLevel level)
    {
        foreach (var subscription in _subscriptions)
        {
            if (level >= subscription.Minimum)
            {
                return true;
            }
        }

        return false;
    }

    public void Publish(LogLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        foreach (var subscription in _subscriptions)
        {
            if (line.Level >= subscription.Minimum)
            {
                subscription.Offer(line);
            }
        }
    }

    public LogSubscription Subscribe(LogLevel minimum)
    {
        var subscription = new LogSubscription(minimum, this);
        ImmutableInterlocked.Update(ref _subscriptions, list => list.Add(subscription));
        return subscription;
    }

    internal void Remove(LogSubscription subscription) => ImmutableInterlocked.Update(ref _subscriptions, list => list.Remove(subscription));
}

/// <summary>One monitor's lines; dispose to detach.</summary>
public sealed class LogSubscription : IDisposable
{
    private readonly Channel<LogLine> _lines = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(512) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly LogBroadcast _owner;

    internal LogSubscription(LogLevel minimum, LogBroadcast owner)
    {
        Minimum = minimum;
        _owner = owner;
    }

    public LogLevel Minimum { get; }

    public ChannelReader<LogLine> Lines => _lines.Reader;

    internal void Offer(LogLine line) => _lines.Writer.TryWrite(line);

    public void Dispose()
    {
        _owner.Remove(this);
        _lines.Writer.TryComplete();
    }
}
