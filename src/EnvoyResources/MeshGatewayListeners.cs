using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.ProxyCfg;
using SniCluster = Envoy.Extensions.Filters.Network.SniCluster.V3.SniCluster;
using TlsInspector = Envoy.Extensions.Filters.Listener.TlsInspector.V3.TlsInspector;

namespace Mesh.EnvoyResources;

/// <summary>
/// A mesh gateway's listeners (Consul's <c>makeMeshGatewayListener</c>): one per bind address, named
/// <c>&lt;bind&gt;:&lt;addr&gt;:&lt;port&gt;</c>, with tls_inspector to read the SNI. TLS is never terminated: a chain per other
/// datacenter matches <c>*.&lt;dc&gt;.internal.&lt;td&gt;</c> and proxies to that datacenter's gateways; the last chain
/// proxies everything else to the local cluster its SNI names (sni_cluster).
/// </summary>
internal static class MeshGatewayListeners
{
    public const string SniClusterName = "envoy.filters.network.sni_cluster";
    public const string TlsInspectorName = "envoy.filters.listener.tls_inspector";

    public static IEnumerable<Listener> Generate(ConfigSnapshot snapshot)
    {
        var gateway = snapshot.MeshGateway!;
        foreach (var bind in GatewayBinds.Of(snapshot))
        {
            var listener = ListenerGenerator.Make(bind.Name, bind.Address, bind.Port, TrafficDirection.Unspecified);
            listener.ListenerFilters.Add(new ListenerFilter { Name = TlsInspectorName, TypedConfig = Any.Pack(new TlsInspector()) });
            foreach (var remote in gateway.Datacenters)
            {
                var cluster = MeshGatewayClusters.DatacenterClusterName(remote.Datacenter, snapshot.TrustDomain);
                listener.FilterChains.Add(new FilterChain
                {
                    FilterChainMatch = new FilterChainMatch { ServerNames = { "*." + cluster } },
                    Filters = { NetworkFilters.TcpProxyFilter("mesh_gateway_remote.default." + remote.Datacenter, cluster) },
                });
            }

            listener.FilterChains.Add(new FilterChain
            {
                Filters =
                {
                    new Filter { Name = SniClusterName, TypedConfig = Any.Pack(new SniCluster()) },
                    NetworkFilters.TcpProxyFilter("mesh_gateway_local.default", string.Empty),
                },
            });
            yield return listener;
        }
    }
}
