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
/// its resolver's subsets) and the mesh gateways of the other datacenters. Mesh has no WAN federation, so another
/// datacenter's gateways are the <c>mesh-gateway</c> rows whose node belongs to that datacenter (what Consul learns
/// from its cross-datacenter watches or federation states); without such rows the gateway serves its own
/// datacenter only.
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
            MeshGateway = new MeshGatewaySnapshot { Services = Services(state, scope), Datacenters = RemoteGateways(state, self, reads) },
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

    private static ImmutableArray<RemoteGatewaysSnapshot> RemoteGateways(StoreState state, AgentIdentity self, ISet<string>? reads)
    {
        reads?.Add(WatchKeys.Kind(ServiceKind.MeshGateway));
        var byDatacenter = new SortedDictionary<string, List<UpstreamEndpoint>>(StringComparer.Ordinal);
        foreach (var key in state.ServicesByKind.Get(ServiceKind.MeshGateway))
        {
            var gateway = state.Services[key];
            if (state.FindNode(key.Node) is not { } node || self.IsLocalDatacenter(node.Datacenter))
            {
                continue;
            }

            reads?.Add(WatchKeys.Service(gateway.Service));
            var (address, port) = WanAddress(node, gateway);
            if (!byDatacenter.TryGetValue(node.Datacenter, out var gateways))
            {
                byDatacenter[node.Datacenter] = gateways = [];
            }

            gateways.Add(UpstreamEndpoint.Of(node, gateway, state.ChecksForInstance(node.Name, gateway.Id)) with { Address = address, Port = port });
        }

        return [.. byDatacenter.Select(pair => new RemoteGatewaysSnapshot(
            pair.Key,
            UpstreamEndpoint.Ordered(pair.Value)))];
    }

    /// <summary>Consul's <c>ResolveServiceAddress</c> with the <c>wan</c> key: the wan tagged address, else the service's, else the node's.</summary>
    private static (string Address, int Port) WanAddress(Node node, NodeService gateway)
    {
        if (gateway.TaggedAddresses.TryGetValue("wan", out var wan) && wan.Address.Length > 0)
        {
            return (wan.Address, wan.Port > 0 ? wan.Port : gateway.Port);
        }

        return (gateway.Address.Length > 0 ? gateway.Address : node.Address, gateway.Port);
    }
}
