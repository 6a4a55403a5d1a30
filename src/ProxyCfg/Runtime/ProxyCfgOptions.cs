namespace Mesh.ProxyCfg;

/// <summary>proxycfg settings.</summary>
public sealed record ProxyCfgOptions
{
    /// <summary>How long changes are gathered before a new snapshot is built and published (Consul: 200 ms).</summary>
    public TimeSpan CoalesceDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Most proxy snapshot rebuilds per second across the server (Consul's <c>xds.update_max_per_second</c>); 0 means
    /// no limit. A limit spreads a change that touches many proxies over time so HTTP and Raft stay responsive.
    /// </summary>
    public double UpdateMaxPerSecond { get; init; }
}
