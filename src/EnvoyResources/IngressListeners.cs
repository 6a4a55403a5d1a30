using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// An ingress gateway's listeners (Consul's <c>makeIngressGatewayListeners</c>): OUTBOUND, on the gateway's address at
/// each listener port. A TCP listener is the exposed service's upstream listener (<c>&lt;svc&gt;:&lt;addr&gt;:&lt;port&gt;</c>,
/// tcp_proxy); an HTTP-like one is <c>&lt;protocol&gt;:&lt;addr&gt;:&lt;port&gt;</c> with an HTTP connection manager whose
/// stat prefix is <c>ingress_upstream_&lt;port&gt;</c> and whose RDS route is named after the port. TLS (gateway or
/// listener level) adds a downstream context with the gateway's leaf, or the SDS certificate when SDS is configured
/// (<see cref="IngressTls"/>). On an HTTP-like listener each service with its own SDS certificate gets a filter chain
/// first, matched by its Hosts as server names, with its own RDS route <c>&lt;port&gt;_&lt;service&gt;</c> (Consul's
/// <c>makeSDSOverrideFilterChains</c>; tls_inspector added), and the other services share the default chain. Every
/// listener is repeated on each bind address (<see cref="GatewayBinds.Addresses"/>).
/// </summary>
internal static class IngressListeners
{
    public static IEnumerable<Listener> Generate(ConfigSnapshot snapshot)
    {
        var ingress = snapshot.IngressGateway!;
        var upstreams = snapshot.Upstreams.ToDictionary(upstream => upstream.Id.EnvoyId, StringComparer.Ordinal);
        foreach (var address in GatewayBinds.Addresses(snapshot))
        {
            foreach (var listener in Listeners(snapshot, ingress, upstreams, address))
            {
                yield return listener;
            }
        }
    }

    private static IEnumerable<Listener> Listeners(
        ConfigSnapshot snapshot, IngressGatewaySnapshot ingress, Dictionary<string, UpstreamSnapshot> upstreams, string address)
    {
        foreach (var listener in ingress.Listeners)
        {
            if (listener.Services.Length == 0)
            {
                continue;
            }

            var tls = IngressTls.Listener(snapshot, ingress, listener);
            if (!NetworkFilters.IsHttpLike(listener.Protocol))
            {
                var service = listener.Services[0];
                if (!upstreams.TryGetValue(service.Upstream.EnvoyId, out var upstream) || UpstreamListeners.FilterChain(upstream) is not { } chain)
                {
                    continue;
                }

                chain.TransportSocket = tls;
                var tcp = ListenerGenerator.Make(upstream.Id.EnvoyId, address, listener.Port, TrafficDirection.Outbound);
                tcp.FilterChains.Add(chain);
                yield return tcp;
                continue;
            }

            var http = ListenerGenerator.Make(listener.Protocol, address, listener.Port, TrafficDirection.Outbound);
            foreach (var service in listener.Services.Where(service => service.HasSdsOverride))
            {
                var chain = new FilterChain
                {
                    FilterChainMatch = new FilterChainMatch { ServerNames = { service.Hosts } },
                    TransportSocket = IngressTls.Service(ingress, listener, service),
                    Filters = { ConnectionManager(listener, IngressRouteNames.ForService(listener, service)) },
                };
                http.FilterChains.Add(chain);
            }

            if (http.FilterChains.Count > 0)
            {
                http.ListenerFilters.Add(SniRouting.TlsInspectorFilter());
            }

            // The services without a certificate of their own share the default chain and route.
            if (http.FilterChains.Count < listener.Services.Length)
            {
                http.FilterChains.Add(new FilterChain { TransportSocket = tls, Filters = { ConnectionManager(listener, IngressRouteNames.Default(listener)) } });
            }

            yield return http;
        }
    }

    private static Envoy.Config.Listener.V3.Filter ConnectionManager(IngressListenerSnapshot listener, string routeName)
        => NetworkFilters.ConnectionManager(new HttpFilterOptions
        {
            Protocol = listener.Protocol,
            FilterName = routeName,
            StatPrefix = "ingress_upstream_",
            RouteName = routeName,
            UseRds = true,
        });
}
