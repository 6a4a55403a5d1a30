using Envoy.Config.Core.V3;
using Envoy.Config.Listener.V3;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// An ingress gateway's listeners (Consul's <c>makeIngressGatewayListeners</c>): OUTBOUND, on the gateway's address at
/// each listener port. A TCP listener is the exposed service's upstream listener (<c>&lt;svc&gt;:&lt;addr&gt;:&lt;port&gt;</c>,
/// tcp_proxy); an HTTP-like one is <c>&lt;protocol&gt;:&lt;addr&gt;:&lt;port&gt;</c> with an HTTP connection manager whose
/// stat prefix is <c>ingress_upstream_&lt;port&gt;</c> and whose RDS route is named after the port. TLS (gateway or
/// listener level) adds a downstream context with the gateway's leaf. Every listener is repeated on each bind address
/// (<see cref="GatewayBinds.Addresses"/>).
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

            var tls = listener.TlsEnabled(ingress.Tls)
                ? TlsContexts.IngressDownstream(snapshot, listener.Protocol, listener.Tls ?? ingress.Tls)
                : null;
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

            var port = listener.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var http = ListenerGenerator.Make(listener.Protocol, address, listener.Port, TrafficDirection.Outbound);
            http.FilterChains.Add(new FilterChain
            {
                TransportSocket = tls,
                Filters =
                {
                    NetworkFilters.ConnectionManager(new HttpFilterOptions
                    {
                        Protocol = listener.Protocol,
                        FilterName = port,
                        StatPrefix = "ingress_upstream_",
                        RouteName = port,
                        UseRds = true,
                    }),
                },
            });
            yield return http;
        }
    }
}
