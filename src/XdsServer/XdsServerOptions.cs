namespace Mesh.XdsServer;

/// <summary>Limits of this server's xDS streams (agent config block <c>xds</c>).</summary>
public sealed record XdsServerOptions
{
    public const int DefaultMaxStreams = 10_000;

    public const int DefaultMaxSubscriptionsPerType = 50_000;

    /// <summary>Concurrent xDS streams (delta and SotW together) this server accepts; more get RESOURCE_EXHAUSTED.</summary>
    public int MaxStreams { get; init; } = DefaultMaxStreams;

    /// <summary>Resource names one stream may subscribe to per type; a request over it fails with INVALID_ARGUMENT.</summary>
    public int MaxSubscriptionsPerType { get; init; } = DefaultMaxSubscriptionsPerType;

    /// <summary>How often an idle stream's token is checked again (Consul's <c>AuthCheckFrequency</c>); requests and snapshots re-check it too.</summary>
    public TimeSpan AuthCheckFrequency { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long shutdown waits for streams to end after telling them to reconnect elsewhere.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
