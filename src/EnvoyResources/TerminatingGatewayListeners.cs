using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// A terminating gateway's listener (Consul's <c>makeTerminatingGatewayListener</c>): INBOUND
/// <c>&lt;name&gt;:&lt;addr&gt;:&lt;port&gt;</c> on each of its bind addresses, with tls_inspector, and one filter chain per
/// cluster of each served linked service whose leaf is known, matched on the cluster's SNI and sorted by it. A chain
/// terminates mTLS with that service's leaf (client certificate required, the mesh CA trusted), then authorizes with
/// the service's intentions: network RBAC and tcp_proxy, or for an HTTP-like service an HTTP connection manager with
/// HTTP RBAC and RDS named after the cluster. A last chain, matching anything else, is sni_cluster plus an empty
/// tcp_proxy, so the listener exists (and health checks pass) before any service does.
/// </summary>
internal static class TerminatingGatewayListeners
{
    public static IEnumerable<Listener> Generate(ConfigSnapshot snapshot)
    {
        var chains = LinkedServiceClusters.Served(snapshot)
            .Where(service => service.Leaf is not null)
            .SelectMany(service => LinkedServiceClusters.Of(snapshot, service))
            .OrderBy(linked => linked.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var (name, address, port) in GatewayBinds.FirstByName(snapshot))
        {
            var listener = ListenerGenerator.Make(name, address, port, TrafficDirection.Inbound);
            listener.ListenerFilters.Add(SniRouting.TlsInspectorFilter());
            listener.FilterChains.AddRange(chains.Select(linked => Chain(snapshot, linked)));
            listener.FilterChains.Add(SniRouting.SniClusterChain("terminating_gateway." + name));
            yield return listener;
        }
    }

    /// <summary><c>makeFilterChainTerminatingGateway</c>.</summary>
    private static FilterChain Chain(ConfigSnapshot snapshot, LinkedServiceCluster linked)
    {
        var service = linked.Service;
        var chain = new FilterChain
        {
            FilterChainMatch = new FilterChainMatch { ServerNames = { linked.Name } },
            TransportSocket = TlsContexts.Downstream(snapshot with { Leaf = service.Leaf! }, "tcp"),
        };
        var filterName = $"{service.Name}.default.default.{snapshot.Datacenter}";
        if (!NetworkFilters.IsHttpLike(service.Protocol))
        {
            chain.Filters.Add(RbacGenerator.NetworkFilter(service.Intentions, snapshot.IntentionDefaultAllow, snapshot.TrustDomain));
            chain.Filters.Add(NetworkFilters.TcpProxyFilter("upstream." + filterName, linked.Name));
            return chain;
        }

        chain.Filters.Add(NetworkFilters.ConnectionManager(new HttpFilterOptions
        {
            Protocol = service.Protocol,
            FilterName = filterName,
            StatPrefix = "upstream.",
            RouteName = linked.Name,
            UseRds = true,
            AuthzFilters = [RbacGenerator.HttpFilter(service.Intentions, snapshot.IntentionDefaultAllow, snapshot.TrustDomain)],
            ForwardClientCertificate = snapshot.Mesh?.Http?.SanitizeXForwardedClientCert != true,
        }));
        return chain;
    }
}
