using System.Collections.Immutable;
using Mesh.Ca.Leaves;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Durations;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;

namespace Mesh.ProxyCfg;

/// <summary>
/// Consul's <c>handlerMeshGateway</c> as a pure build: every local service with Connect-capable instances (grouped by
/// its resolver's subsets) and the mesh gateways of the other datacenters: those each datacenter known over WAN
/// federation answers (Consul's per-datacenter <c>mesh-gateway</c> watches), and the <c>mesh-gateway</c> rows whose
/// node belongs to another datacenter (what Consul learns from federation states); without either the gateway serves
/// its own datacenter only.
/// </summary>
internal static class MeshGatewayBuilder
{
    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    public static ConfigSnapshot Build(
        StoreState state, ProxyId id, NodeService gateway, IssuedLeaf leaf, AgentIdentity self, CaState ca, RootsSnapshot roots, BuildScope scope)
    {
        var reads = scope.Reads;
        return ProxySnapshotFields.Of(ServiceKind.MeshGateway, state, id, gateway, leaf, self, ca, roots, reads) with
        {
            MeshGateway = new MeshGatewaySnapshot { Services = Services(state, scope), Datacenters = RemoteGateways(state, self, scope) },
        };
    }

    private static ImmutableArray<MeshGatewayServiceSnapshot> Services(StoreState state, BuildScope scope)
    {
        var reads = scope.Reads;
        reads?.Add(WatchKeys.Services);
        reads?.Add(WatchKeys.ConfigKind(ServiceResolverKind.KindName));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in state.ServicesByConnect.Values)
        {
            if (state.ConnectServicesFor(key).Select(row => Destination(row.Service)).FirstOrDefault() is { Length: > 0 } name)
            {
                names.Add(name);
            }
        }

        var services = ImmutableArray.CreateBuilder<MeshGatewayServiceSnapshot>();
        foreach (var name in names)
        {
            reads?.Add(WatchKeys.Connect(name));
            reads?.Add(WatchKeys.Service(name));
            var all = scope.Cache.Endpoints(name, string.Empty);
            if (all.IsEmpty)
            {
                continue;
            }

            var resolver = state.FindConfigEntry(ServiceResolverKind.KindName, name) is { } entry ? ConfigEntryKinds.ServiceResolver.Read(entry) : null;
            var subsets = ImmutableArray.CreateBuilder<MeshGatewaySubsetSnapshot>();
            subsets.Add(new MeshGatewaySubsetSnapshot(string.Empty, OnlyPassing: false, all));
            foreach (var (subset, definition) in resolver?.Subsets ?? [])
            {
                subsets.Add(new MeshGatewaySubsetSnapshot(subset, definition.OnlyPassing, scope.Cache.Endpoints(name, definition.Filter ?? string.Empty)));
            }

            var timeout = GoDuration.TryParse(resolver?.ConnectTimeout, out var parsed) && parsed > TimeSpan.Zero ? parsed : DefaultConnectTimeout;
            services.Add(new MeshGatewayServiceSnapshot(name, timeout, resolver?.LoadBalancer, subsets.ToImmutable()));
        }

        return services.ToImmutable();
    }

    /// <summary>The service a Connect-capable row serves: a sidecar's destination, or a native service itself.</summary>
    private static string Destination(NodeService row)
        => row.Kind == ServiceKind.ConnectProxy ? row.Proxy.DestinationServiceName : row.Service;

    /// <summary>
    /// The other datacenters' mesh gateways, by datacenter: catalog rows whose node belongs to another datacenter, and
    /// each datacenter known over WAN federation as its servers last answered (both, without duplicates). A datacenter
    /// with no gateway has no entry, so its route and cluster go away with its last gateway.
    /// </summary>
    private static ImmutableArray<RemoteGatewaysSnapshot> RemoteGateways(StoreState state, AgentIdentity self, BuildScope scope)
    {
        var reads = scope.Reads;
        reads?.Add(WatchKeys.Kind(ServiceKind.MeshGateway));
        var byDatacenter = new SortedDictionary<string, Dictionary<(string Node, string ServiceId), UpstreamEndpoint>>(StringComparer.Ordinal);
        void Add(string datacenter, UpstreamEndpoint endpoint)
        {
            if (!byDatacenter.TryGetValue(datacenter, out var gateways))
            {
                byDatacenter[datacenter] = gateways = [];
            }

            gateways.TryAdd((endpoint.Node, endpoint.ServiceId), endpoint);
        }

        foreach (var key in state.ServicesByKind.Get(ServiceKind.MeshGateway))
        {
            var gateway = state.Services[key];
            if (state.FindNode(key.Node) is not { } node || self.IsLocalDatacenter(node.Datacenter))
            {
                continue;
            }

            reads?.Add(WatchKeys.Service(gateway.Service));
            Add(node.Datacenter, GatewayEndpoints.AtWan(node, gateway, state.ChecksForInstance(node.Name, gateway.Id)));
        }

        foreach (var datacenter in scope.KnownDatacenters())
        {
            if (self.IsLocalDatacenter(datacenter))
            {
                continue;
            }

            scope.GatewayDatacenters.Add(datacenter);
            foreach (var endpoint in scope.RemoteGateways(datacenter) is { } rows ? GatewayEndpoints.Remote(rows) : [])
            {
                Add(datacenter, endpoint);
            }
        }

        return [.. byDatacenter.Where(pair => pair.Value.Count > 0).Select(pair => new RemoteGatewaysSnapshot(
            pair.Key,
            UpstreamEndpoint.Ordered(pair.Value.Values)))];
    }
}
