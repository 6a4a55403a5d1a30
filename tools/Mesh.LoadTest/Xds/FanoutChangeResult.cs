using Mesh.LoadTest.Load;

namespace Mesh.LoadTest.Xds;

/// <summary>One endpoint change fanned out to every watched proxy.</summary>
public sealed record FanoutChangeResult
{
    public required int Change { get; init; }

    public required int Proxies { get; init; }

    public required int Reached { get; init; }

    public required double WriteAckMilliseconds { get; init; }

    /// <summary>From just before the write was sent to each proxy's NextAsync returning the new snapshot.</summary>
    public required LatencySummary FromSend { get; init; }

    /// <summary>Process counters from the write to the last proxy's new snapshot.</summary>
    public required ProcessCounters UntilAll { get; init; }

    /// <summary>Process counters from the write until proxycfg was idle again (trailing builds included).</summary>
    public required ProcessCounters UntilQuiet { get; init; }

    public required long Builds { get; init; }

    public required long Publishes { get; init; }
}
