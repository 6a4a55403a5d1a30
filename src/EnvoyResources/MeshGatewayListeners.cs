using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// A mesh gateway's listeners (Consul's <c>makeMeshGatewayListener</c>): one per bind address, named
/// <c>&lt;bind&gt;:&lt;addr&gt;:&lt;port&gt;</c>, with tls_inspector to read the SNI. TLS is never terminated: a chain per other
/// datacenter matches <c>*.&lt;dc&gt;.internal.&lt;td&gt;</c> and proxies to that datacenter's gateways; the last chain
/// proxies everything else to the local cluster its SNI names (sni_cluster).
/// </summary>
internal static class MeshGatewayListeners
{
    public static IEnumerable<Listener> Generate(ConfigSnapshot snapshot)
    {
        var gateway = snapshot.MeshGateway!;
        foreach (var bind in GatewayBinds.Of(snapshot))
        {
            var listener = ListenerGenerator.Make(bind.Name, bind.Address, bind.Port, TrafficDirection.Unspecified);
            listener.ListenerFilters.Add(SniRouting.TlsInspectorFilter());
            foreach (var remote in gateway.Datacenters)
            {
                var cluster = MeshGatewayClusters.DatacenterClusterName(remote.Datacenter, snapshot.TrustDomain);
                listener.FilterChains.Add(new FilterChain
                {
                    FilterChainMatch = new FilterChainMatch { ServerNames = { "*." + cluster } },
                    Filters = { NetworkFilters.TcpProxyFilter("mesh_gateway_remote.default." + remote.Datacenter, cluster) },
                });
            }

            listener.FilterChains.Add(SniRouting.SniClusterChain("mesh_gateway_local.default"));
            yield return listener;
        }
    }
}
