using System.Collections.Immutable;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Mesh.Server.Federation;

namespace Mesh.ProxyCfg;

/// <summary>
/// Mesh gateways as endpoints: this datacenter's at their LAN address (what a sidecar dials in mesh gateway mode
/// local), another datacenter's at their WAN address (mode remote, and a mesh gateway's route to that datacenter).
/// </summary>
internal static class GatewayEndpoints
{
    /// <summary>This datacenter's mesh gateways (rows of its own nodes), at their LAN address, in stable order.</summary>
    public static ImmutableArray<UpstreamEndpoint> Local(StoreState state, AgentIdentity self, ISet<string>? reads)
    {
        reads?.Add(WatchKeys.Kind(ServiceKind.MeshGateway));
        var endpoints = new List<UpstreamEndpoint>();
        foreach (var key in state.ServicesByKind.Get(ServiceKind.MeshGateway))
        {
            if (state.FindNode(key.Node) is not { } node || !self.IsLocalDatacenter(node.Datacenter) || !state.Services.TryGetValue(key, out var gateway))
            {
                continue;
            }

            var (address, port) = LanAddress(node, gateway);
            endpoints.Add(UpstreamEndpoint.Of(node, gateway, state.ChecksForInstance(node.Name, gateway.Id)) with { Address = address, Port = port });
        }

        return UpstreamEndpoint.Ordered(endpoints);
    }

    /// <summary>Another datacenter's mesh gateways as its servers answered, at their WAN address, in stable order.</summary>
    public static ImmutableArray<UpstreamEndpoint> Remote(IReadOnlyList<HealthRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return UpstreamEndpoint.Ordered(rows.Where(row => row.Service.Kind == ServiceKind.MeshGateway).Select(row => AtWan(row.Node, row.Service, row.Checks)));
    }

    /// <summary>A mesh gateway of another datacenter as an endpoint at its WAN address.</summary>
    public static UpstreamEndpoint AtWan(Node node, NodeService gateway, IEnumerable<HealthCheck> checks)
    {
        var (address, port) = WanAddress(node, gateway);
        return UpstreamEndpoint.Of(node, gateway, checks) with { Address = address, Port = port };
    }

    /// <summary>
    /// Consul's <c>CheckServiceNode.BestAddress(wan: true)</c>: the service's <c>wan</c> tagged address, else the
    /// service's address, else the node's <c>wan</c> tagged address, else the node's address.
    /// </summary>
    public static (string Address, int Port) WanAddress(Node node, NodeService gateway) => Best(node, gateway, wan: true);

    /// <summary>Consul's <c>CheckServiceNode.BestAddress(wan: false)</c>: the service's address, else the node's.</summary>
    public static (string Address, int Port) LanAddress(Node node, NodeService gateway) => Best(node, gateway, wan: false);

    private static (string Address, int Port) Best(Node node, NodeService gateway, bool wan)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(gateway);
        if (wan && gateway.TaggedAddresses.TryGetValue("wan", out var tagged) && tagged.Address.Length > 0)
        {
            return (tagged.Address, tagged.Port > 0 ? tagged.Port : gateway.Port);
        }

        if (gateway.Address.Length > 0)
        {
            return (gateway.Address, gateway.Port);
        }

        return wan && node.TaggedAddresses.TryGetValue("wan", out var nodeWan) && nodeWan.Length > 0
            ? (nodeWan, gateway.Port)
            : (node.Address, gateway.Port);
    }
}
