using System.Collections.Immutable;
using Mesh.Ca.Leaves;
using Mesh.Config.Intentions;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;

namespace Mesh.ProxyCfg;

/// <summary>
/// The fields every gateway kind's snapshot fills the same way: the gateway's identity, address (its own, else its
/// node's), port, meta and tagged addresses, its registration's proxy config, the CA roots and leaf, no intentions and
/// the mesh entry. Each kind's builder adds its own part with <c>with</c>.
/// </summary>
internal static class GatewaySnapshotFields
{
    public static ConfigSnapshot Of(
        string kind, StoreState state, ProxyId id, NodeService gateway, IssuedLeaf leaf, AgentIdentity self, CaState ca, RootsSnapshot roots, ISet<string>? reads)
    {
        var node = state.FindNode(id.NodeName);
        return new ConfigSnapshot
        {
            Kind = kind,
            ProxyId = id,
            Service = gateway.Service,
            Address = gateway.Address.Length > 0 ? gateway.Address : node?.Address ?? string.Empty,
            Port = gateway.Port,
            ServiceMeta = gateway.Meta.ToImmutableSortedDictionary(StringComparer.Ordinal),
            TaggedAddresses = gateway.TaggedAddresses.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Datacenter = self.Datacenter,
            TrustDomain = ca.TrustDomain,
            Proxy = gateway.Proxy,
            Roots = roots,
            Leaf = leaf,
            Intentions = [],
            IntentionDefaultAllow = IntentionDecision.Default(self.DefaultIntentionPolicy).Allowed,
            Mesh = SnapshotBuilder.Mesh(state, reads),
            Upstreams = [],
            StoreIndex = state.AppliedIndex,
        };
    }
}
