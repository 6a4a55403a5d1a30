namespace Mesh.Server.Federation;

/// <summary>WAN federation settings (Consul's <c>retry_join_wan</c>, <c>retry_interval_wan</c>, <c>primary_datacenter</c>).</summary>
public sealed record WanOptions
{
    /// <summary>Server addresses (host:server-port) of other datacenters to learn their servers from.</summary>
    public IReadOnlyList<string> RetryJoinWan { get; init; } = [];

    /// <summary>How often the other datacenters' server lists are asked for again (and dead servers dropped).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Recorded for compatibility; Mesh replicates nothing from it (no ACL or config-entry replication).</summary>
    public string PrimaryDatacenter { get; init; } = string.Empty;
}
