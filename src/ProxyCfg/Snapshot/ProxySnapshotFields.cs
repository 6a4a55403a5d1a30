using System.Collections.Immutable;
using Mesh.Ca.Leaves;
using Mesh.Config.Intentions;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Merge;
using Mesh.Server;

namespace Mesh.ProxyCfg;

/// <summary>
/// The fields every proxy kind's snapshot fills the same way from its registration: identity, address (its own, else
/// its node's), port, meta and tagged addresses, the registration's proxy config, the CA roots and leaf, the intention
/// default, the mesh entry and the proxy-defaults access logs (Consul gives every proxy kind its <c>Proxy.AccessLogs</c>);
/// no intentions and no upstreams. Each kind's builder replaces or adds its own part with
/// <c>with</c> (a sidecar its merged proxy config, intentions and upstreams; a gateway its kind's part).
/// </summary>
internal static class ProxySnapshotFields
{
    public static ConfigSnapshot Of(
        string kind, StoreState state, ProxyId id, NodeService proxy, IssuedLeaf leaf, AgentIdentity self, CaState ca, RootsSnapshot roots, ISet<string>? reads)
    {
        var node = state.FindNode(id.NodeName);
        return new ConfigSnapshot
        {
            Kind = kind,
            ProxyId = id,
            Service = proxy.Service,
            Address = proxy.Address.Length > 0 ? proxy.Address : node?.Address ?? string.Empty,
            Port = proxy.Port,
            ServiceMeta = proxy.Meta.ToImmutableSortedDictionary(StringComparer.Ordinal),
            TaggedAddresses = proxy.TaggedAddresses.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Datacenter = self.Datacenter,
            TrustDomain = ca.TrustDomain,
            Proxy = proxy.Proxy,
            Roots = roots,
            Leaf = leaf,
            Intentions = [],
            IntentionDefaultAllow = IntentionDecision.Default(self.DefaultIntentionPolicy).Allowed,
            Mesh = SnapshotBuilder.Mesh(state, reads),
            AccessLogs = ServiceConfigMerge.AccessLogs(state, reads),
            Upstreams = [],
            StoreIndex = state.AppliedIndex,
        };
    }
}
