using System.Collections.Immutable;
using Mesh.Ca.Leaves;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Merge;
using Mesh.Server;

namespace Mesh.ProxyCfg;

/// <summary>
/// Builds a proxy's <see cref="ConfigSnapshot"/> from one store state and its current leaf: pure, so the same inputs
/// give the same snapshot. The runtime (<see cref="ProxyConfigSource"/>) decides when to call it.
/// </summary>
public static class SnapshotBuilder
{
    /// <summary>The snapshot, or null when the proxy is not a connect-proxy in this state or the CA has no roots yet.</summary>
    public static ConfigSnapshot? Build(StoreState state, ProxyId id, IssuedLeaf leaf, AgentIdentity self)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(leaf);
        return Build(state, id, leaf, self, new BuildScope(BuildCache.Unshared(state), reads: null, previous: null));
    }

    /// <summary>
    /// As <see cref="Build(StoreState, ProxyId, IssuedLeaf, AgentIdentity)"/>, keeping <paramref name="previous"/>'s
    /// chain for an upstream whose chain no longer compiles (what the runtime does with the last published snapshot).
    /// </summary>
    public static ConfigSnapshot? Build(StoreState state, ProxyId id, IssuedLeaf leaf, AgentIdentity self, ConfigSnapshot? previous)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(leaf);
        return Build(state, id, leaf, self, new BuildScope(BuildCache.Unshared(state), reads: null, previous));
    }

    /// <summary>
    /// As <see cref="Build(StoreState, ProxyId, IssuedLeaf, AgentIdentity, ConfigSnapshot?)"/>, sharing chains and
    /// endpoint lists with every other build from the same store state through <paramref name="caches"/>.
    /// </summary>
    public static ConfigSnapshot? Build(StoreState state, ProxyId id, IssuedLeaf leaf, AgentIdentity self, BuildCaches caches, ConfigSnapshot? previous = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(caches);
        return Build(state, id, leaf, self, new BuildScope(caches.For(state), reads: null, previous));
    }

    /// <summary>
    /// As <see cref="Build(StoreState, ProxyId, IssuedLeaf, AgentIdentity)"/> for a terminating gateway, with the leaf it
    /// presents for each service it links (<paramref name="serviceLeaf"/> by service name; null: not issued yet).
    /// </summary>
    public static ConfigSnapshot? Build(StoreState state, ProxyId id, IssuedLeaf leaf, AgentIdentity self, Func<string, IssuedLeaf?> serviceLeaf)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(serviceLeaf);
        return Build(state, id, leaf, self, new BuildScope(BuildCache.Unshared(state), reads: null, previous: null) { ServiceLeaf = serviceLeaf });
    }

    /// <summary>
    /// As <see cref="Build(StoreState, ProxyId, IssuedLeaf, AgentIdentity)"/> with the Connect health rows of services in
    /// other datacenters (<paramref name="remoteRows"/> by datacenter and service; null: none heard yet), as the runtime's
    /// cross-datacenter watches hold them.
    /// </summary>
    public static ConfigSnapshot? Build(
        StoreState state, ProxyId id, IssuedLeaf leaf, AgentIdentity self, Func<string, string, IReadOnlyList<Mesh.Server.Federation.HealthRow>?> remoteRows)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(remoteRows);
        return Build(state, id, leaf, self, new BuildScope(BuildCache.Unshared(state), reads: null, previous: null) { RemoteRows = remoteRows });
    }

    /// <summary>
    /// As <see cref="Build(StoreState, ProxyId, IssuedLeaf, AgentIdentity)"/> with what the runtime's cross-datacenter
    /// watches hold (<paramref name="federated"/>): other datacenters' instances and mesh gateways, and the known datacenters.
    /// </summary>
    public static ConfigSnapshot? Build(StoreState state, ProxyId id, IssuedLeaf leaf, AgentIdentity self, FederatedRows federated)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(federated);
        return Build(state, id, leaf, self, new BuildScope(BuildCache.Unshared(state), reads: null, previous: null)
        {
            RemoteRows = federated.Services,
            RemoteGateways = federated.Gateways,
            KnownDatacenters = () => federated.KnownDatacenters,
        });
    }

    /// <summary>The service kinds snapshots are built for (the other gateway kinds are not served yet).</summary>
    public static IReadOnlyList<string> BuiltKinds { get; } = [ServiceKind.ConnectProxy, ServiceKind.IngressGateway, ServiceKind.TerminatingGateway, ServiceKind.MeshGateway, ServiceKind.ApiGateway];

    /// <summary>The registration of a <see cref="BuiltKinds">built kind</see> with this ID, or null.</summary>
    public static NodeService? FindProxy(StoreState state, ProxyId id)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(id);
        return state.FindService(id.NodeName, id.ServiceId) is { } proxy && BuiltKinds.Contains(proxy.Kind) ? proxy : null;
    }

    /// <summary>The service whose leaf the proxy presents: the proxied service for a sidecar, the gateway's own name for a gateway.</summary>
    public static string LeafService(NodeService proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        return proxy.Kind == ServiceKind.ConnectProxy ? proxy.Proxy.DestinationServiceName : proxy.Service;
    }

    /// <summary>
    /// The leaf the proxy presents, as asked of the leaf cache: <see cref="LeafService"/>, and for an ingress gateway
    /// the DNS names of <see cref="IngressLeafNames"/> (Consul's <c>watchIngressLeafCert</c>).
    /// </summary>
    public static LeafRequest LeafRequestFor(StoreState state, NodeService proxy, AgentIdentity self)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        return proxy.Kind == ServiceKind.IngressGateway
            ? new LeafRequest(proxy.Service, IngressLeafNames.Of(state, proxy.Service, self))
            : new LeafRequest(LeafService(proxy));
    }

    /// <summary>
    /// As <see cref="Build(StoreState, ProxyId, IssuedLeaf, AgentIdentity)"/> with the scope's caches, recording every
    /// watch key the result depends on into its reads (the runtime's chained watches) and keeping the previous
    /// snapshot's chain for an upstream whose chain no longer compiles. Without a leaf only the keys that decide
    /// whether the proxy exists are recorded and null is returned.
    /// </summary>
    internal static ConfigSnapshot? Build(StoreState state, ProxyId id, IssuedLeaf? leaf, AgentIdentity self, BuildScope scope)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(self);
        var reads = scope.Reads;
        reads?.Add(WatchKeys.Node(id.NodeName));
        reads?.Add(WatchKeys.CaRoots);
        if (FindProxy(state, id) is not { } proxy || leaf is null)
        {
            return null;
        }

        if (state.Ca is not { Roots.Count: > 0 } ca || Roots(ca) is not { } roots)
        {
            return null;
        }

        // One builder per proxy kind (Consul's kind handlers). Mesh, ingress and terminating gateways become further
        // cases here, each with its own kind-specific part of the snapshot; FindProxy admits a kind once it has one.
        return proxy.Kind switch
        {
            ServiceKind.ConnectProxy => BuildConnectProxy(state, id, proxy, leaf, self, ca, roots, scope),
            ServiceKind.IngressGateway => BuildIngressGateway(state, id, proxy, leaf, self, ca, roots, scope),
            ServiceKind.TerminatingGateway => TerminatingGatewaySnapshotOf(state, id, proxy, leaf, self, ca, roots, scope),
            ServiceKind.MeshGateway => MeshGatewayBuilder.Build(state, id, proxy, leaf, self, ca, roots, scope),
            ServiceKind.ApiGateway => ApiGatewayBuilder.Build(state, id, proxy, leaf, self, ca, roots, scope),
            _ => null,
        };
    }

    private static ConfigSnapshot BuildConnectProxy(
        StoreState state, ProxyId id, NodeService proxy, IssuedLeaf leaf, AgentIdentity self, CaState ca, RootsSnapshot roots, BuildScope scope)
    {
        var reads = scope.Reads;
        var merged = ServiceConfigMerge.Merge(state, proxy, reads);
        var destination = merged.DestinationServiceName;
        var context = new UpstreamContext(state, self, destination, scope);

        var upstreams = new Dictionary<string, UpstreamSnapshot>(StringComparer.Ordinal);
        foreach (var upstream in merged.Upstreams)
        {
            if (ExplicitUpstream(context, upstream) is { } built)
            {
                upstreams.TryAdd(built.Id.EnvoyId, built);
            }
        }

        if (merged.Mode == "transparent")
        {
            foreach (var built in ImpliedUpstreams.Build(context, upstreams.Keys))
            {
                upstreams.TryAdd(built.Id.EnvoyId, built);
            }
        }

        return ProxySnapshotFields.Of(ServiceKind.ConnectProxy, state, id, proxy, leaf, self, ca, roots, reads) with
        {
            Proxy = merged,
            Intentions = Intentions(state, destination, reads),
            Upstreams = [.. upstreams.Values.OrderBy(u => u.Id.EnvoyId, StringComparer.Ordinal)],
        };
    }

    private static ConfigSnapshot BuildIngressGateway(
        StoreState state, ProxyId id, NodeService gateway, IssuedLeaf leaf, AgentIdentity self, CaState ca, RootsSnapshot roots, BuildScope scope)
    {
        var (ingress, upstreams) = IngressGatewayBuilder.Build(new UpstreamContext(state, self, gateway.Service, scope), gateway);
        return ProxySnapshotFields.Of(ServiceKind.IngressGateway, state, id, gateway, leaf, self, ca, roots, scope.Reads) with
        {
            Upstreams = upstreams,
            IngressGateway = ingress,
        };
    }

    private static ConfigSnapshot TerminatingGatewaySnapshotOf(
        StoreState state, ProxyId id, NodeService gateway, IssuedLeaf leaf, AgentIdentity self, CaState ca, RootsSnapshot roots, BuildScope scope)
        => ProxySnapshotFields.Of(ServiceKind.TerminatingGateway, state, id, gateway, leaf, self, ca, roots, scope.Reads) with
        {
            TerminatingGateway = TerminatingGatewayBuilder.Build(state, gateway, scope),
        };

    private static RootsSnapshot? Roots(CaState ca)
    {
        var active = ca.Roots.FirstOrDefault(root => root.Active);
        if (active is null)
        {
            return null;
        }

        return new RootsSnapshot(active.Id, [active, .. ca.Roots.Where(root => !root.Active)]);
    }

    private static ImmutableArray<IntentionView> Intentions(StoreState state, string destination, ISet<string>? reads)
    {
        reads?.Add(WatchKeys.ConfigEntry(ServiceIntentionsKind.KindName, destination));
        reads?.Add(WatchKeys.ConfigEntry(ServiceIntentionsKind.KindName, IntentionPrecedence.Wildcard));
        return [.. IntentionCatalog.MatchDestination(state, destination)];
    }

    /// <summary>The mesh config entry, its watch key recorded.</summary>
    internal static MeshEntry? Mesh(StoreState state, ISet<string>? reads)
        => ServiceConfigMerge.Find(state, MeshKind.KindName, MeshKind.KindName, reads) is { } entry ? ConfigEntryKinds.Mesh.Read(entry) : null;

    /// <summary>An explicit upstream of the registration; prepared queries and peered upstreams are not supported yet.</summary>
    private static UpstreamSnapshot? ExplicitUpstream(UpstreamContext context, Upstream upstream)
    {
        if (upstream.DestinationType is not ("" or UpstreamId.ServiceType) || upstream.DestinationPeer.Length > 0
            || upstream.DestinationName.Length == 0)
        {
            return null;
        }

        var id = UpstreamId.ForService(upstream.DestinationName, upstream.Datacenter);
        var datacenter = upstream.Datacenter.Length > 0 ? upstream.Datacenter : context.Self.Datacenter;
        return context.Upstream(id, upstream, upstream.Config, datacenter, upstream.MeshGateway.Mode);
    }
}
