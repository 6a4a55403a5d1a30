namespace Mesh.Server.Metrics;

/// <summary>
/// Exported metric names: Consul's where a Consul metric means the same thing (dashboards keep working),
/// <c>consul.</c> + our own name otherwise. The mapping is listed in docs/decisions.md.
/// </summary>
public static class MetricNames
{
    public const string Prefix = "consul.";

    // Consul's own names.
    public const string IsLeader = "consul.server.isLeader";
    public const string RaftAppliedIndex = "consul.raft.applied_index";
    public const string RaftLastIndex = "consul.raft.last_index";
    public const string StateNodes = "consul.state.nodes";
    public const string StateServices = "consul.state.services";
    public const string StateServiceInstances = "consul.state.service_instances";
    public const string RuntimeAllocBytes = "consul.runtime.alloc_bytes";
    public const string RuntimeTotalGcPauseNs = "consul.runtime.total_gc_pause_ns";
    public const string RuntimeTotalGcRuns = "consul.runtime.total_gc_runs";
    public const string XdsStreams = "consul.xds.server.streams";

    // Ours, where Consul has nothing with the same meaning.
    public const string RaftCommitIndex = "consul.raft.commit_index";
    public const string RaftTerm = "consul.raft.term";
    public const string RaftLastContact = "consul.raft.last_contact";
    public const string RaftMembers = "consul.raft.members";
    public const string FsmApplies = "consul.fsm.applies";
    public const string RuntimeRssBytes = "consul.runtime.rss_bytes";
    public const string RuntimeTotalAllocBytes = "consul.runtime.total_alloc_bytes";
    public const string RuntimeThreadPoolThreads = "consul.runtime.threadpool.threads";
    public const string RuntimeThreadPoolQueue = "consul.runtime.threadpool.queue_length";
    public const string ProxyCfgBuilds = "consul.proxycfg.builds";
    public const string ProxyCfgPublishes = "consul.proxycfg.publishes";
    public const string ProxyCfgWatchedProxies = "consul.proxycfg.watched_proxies";
    public const string ProxyCfgWatchedProxyless = "consul.proxycfg.watched_proxyless";

    /// <summary>Instruments of other meters whose name maps to a Consul metric of the same meaning.</summary>
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["xds.streams.active"] = XdsStreams,
    };

    /// <summary>
    /// The exported name of an instrument: a Consul name as is, a known rename, <c>xds.*</c> under Consul's
    /// <c>consul.xds.server.*</c>, anything else under <c>consul.</c>.
    /// </summary>
    public static string Export(string instrumentName)
    {
        ArgumentNullException.ThrowIfNull(instrumentName);
        if (instrumentName.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return instrumentName;
        }

        if (Renamed.TryGetValue(instrumentName, out var renamed))
        {
            return renamed;
        }

        return instrumentName.StartsWith("xds.", StringComparison.Ordinal)
            ? "consul.xds.server." + instrumentName["xds.".Length..]
            : Prefix + instrumentName;
    }
}
