using Mesh.Config.DiscoveryChain;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>How an upstream is reached and routed, as Consul's listener and route code decides it.</summary>
internal static class UpstreamRouting
{
    /// <summary>The upstream's <c>protocol</c> config, else the chain's (<c>getAndModifyUpstreamConfigForListener</c>).</summary>
    public static string Protocol(UpstreamSnapshot upstream)
        => UpstreamConfigOptions.Parse(upstream.Config?.Config) is { Protocol.Length: > 0 } config ? config.Protocol : upstream.Chain.Protocol;

    /// <summary>RDS is used iff the chain is HTTP-like and shaped by config entries (<c>listeners.go</c>).</summary>
    public static bool UsesRds(UpstreamSnapshot upstream) => upstream.Chain.Protocol != "tcp" && !upstream.Chain.Default;

    /// <summary>An explicit upstream with a local port (or socket) gets its own listener.</summary>
    public static bool HasListener(UpstreamSnapshot upstream)
        => upstream.Config is { } config && (config.LocalBindPort > 0 || config.LocalBindSocketPath.Length > 0);

    /// <summary>Reached through the transparent outbound listener: a transparent proxy's upstream without its own listener.</summary>
    public static bool IsImplicit(ConfigSnapshot snapshot, UpstreamSnapshot upstream) => snapshot.IsTransparent && !HasListener(upstream);

    /// <summary>
    /// <c>simpleChainTarget</c>: the cluster of a chain that starts at a resolver (tcp, or HTTP without RDS); null for a
    /// router or splitter start, which only RDS can express.
    /// </summary>
    public static string? SimpleCluster(CompiledDiscoveryChain chain)
    {
        if (!chain.Nodes.TryGetValue(chain.StartNode, out var start) || start.Type != DiscoveryGraphNodeType.Resolver
            || start.Resolver is not { } resolver || !chain.Targets.TryGetValue(resolver.Target, out var target))
        {
            return null;
        }

        return ResourceNames.Cluster(chain, target);
    }
}
