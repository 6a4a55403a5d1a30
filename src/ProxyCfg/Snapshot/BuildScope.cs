namespace Mesh.ProxyCfg;

/// <summary>
/// What one build of a proxy's snapshot works with besides the state: the server's caches, the watch keys being
/// recorded, the proxy's last published snapshot (whose chains stand in for chains that stopped compiling), and the
/// upstreams whose chain did not compile, for the runtime to log.
/// </summary>
internal sealed class BuildScope(BuildCache cache, ISet<string>? reads, ConfigSnapshot? previous)
{
    private readonly List<ChainFailure> _chainFailures = [];

    public BuildCache Cache { get; } = cache;

    public ISet<string>? Reads { get; } = reads;

    public ConfigSnapshot? Previous { get; } = previous;

    /// <summary>The leaf a terminating gateway presents for a service it links, by service name; null until one is issued.</summary>
    public Func<string, Mesh.Ca.Leaves.IssuedLeaf?> ServiceLeaf { get; init; } = static _ => null;

    /// <summary>
    /// The Connect health rows of a service in another datacenter as last heard (datacenter, service), or null while
    /// none arrived; the runtime follows each one a build asks for (<see cref="RemoteTargets"/>).
    /// </summary>
    public Func<string, string, IReadOnlyList<Mesh.Server.Federation.HealthRow>?> RemoteRows { get; init; } = static (_, _) => null;

    /// <summary>The (datacenter, service) pairs of chain targets in other datacenters this build resolved.</summary>
    public ISet<RemoteTarget> RemoteTargets { get; } = new HashSet<RemoteTarget>();

    /// <summary>
    /// The mesh gateways of another datacenter as last heard (over WAN federation), or null while none arrived; the
    /// runtime follows each datacenter a build asks for (<see cref="GatewayDatacenters"/>).
    /// </summary>
    public Func<string, IReadOnlyList<Mesh.Server.Federation.HealthRow>?> RemoteGateways { get; init; } = static _ => null;

    /// <summary>The other datacenters the server knows (a mesh gateway follows every one's gateways).</summary>
    public Func<IReadOnlyList<string>> KnownDatacenters { get; init; } = static () => [];

    /// <summary>The datacenters whose mesh gateways this build used (<see cref="RemoteGateways"/>).</summary>
    public ISet<string> GatewayDatacenters { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<ChainFailure> ChainFailures => _chainFailures;

    public void ChainFailed(UpstreamId upstream, string reason, bool keptLast) => _chainFailures.Add(new ChainFailure(upstream, reason, keptLast));
}

/// <summary>An upstream whose chain did not compile: why, and whether the last valid chain was kept.</summary>
internal sealed record ChainFailure(UpstreamId Upstream, string Reason, bool KeptLast);
