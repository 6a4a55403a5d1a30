using Mesh.Config.ConfigEntries;
using Mesh.Config.DiscoveryChain;

namespace Mesh.EnvoyResources;

/// <summary>
/// The clusters one resolver node of a chain turns into (Consul's <c>mapDiscoChainTargets</c> and
/// <c>groupedTargets</c>, sequential failover): without failover, one EDS cluster named by the target; with failover, an
/// aggregate cluster under that name over <c>failover-target~i~name</c> EDS clusters, the primary first.
/// </summary>
internal sealed record ResolverClusters(
    DiscoveryGraphNode Node,
    DiscoveryResolver Resolver,
    string BaseName,
    bool IsFailover,
    IReadOnlyList<TargetCluster> Targets)
{
    public LoadBalancer? LoadBalancer => Node.LoadBalancer;

    /// <summary>Every resolver node of the chain, in node-key order (deterministic), skipping nodes whose target is unknown.</summary>
    public static IEnumerable<ResolverClusters> Of(CompiledDiscoveryChain chain)
    {
        foreach (var node in chain.Nodes.Values)
        {
            if (node.Type != DiscoveryGraphNodeType.Resolver || node.Resolver is not { } resolver
                || !chain.Targets.TryGetValue(resolver.Target, out var primary))
            {
                continue;
            }

            var baseName = ResourceNames.Cluster(chain, primary);
            var failover = resolver.Failover?.Targets ?? [];
            if (failover.IsDefaultOrEmpty)
            {
                yield return new ResolverClusters(node, resolver, baseName, false, [new TargetCluster(baseName, primary)]);
                continue;
            }

            var targets = new List<TargetCluster>();
            foreach (var targetId in (IEnumerable<string>)[resolver.Target, .. failover])
            {
                if (chain.Targets.TryGetValue(targetId, out var target))
                {
                    targets.Add(new TargetCluster(ResourceNames.FailoverCluster(targets.Count, baseName), target));
                }
            }

            yield return new ResolverClusters(node, resolver, baseName, true, targets);
        }
    }
}

/// <summary>One EDS cluster and the chain target it sends to.</summary>
internal sealed record TargetCluster(string Name, DiscoveryTarget Target);
