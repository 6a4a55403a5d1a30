using System.Globalization;
using Envoy.Config.Route.V3;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// An ingress gateway's route configurations (Consul's <c>routesForIngressGateway</c>): one per HTTP-like listener,
/// named after its port, with a virtual host per exposed service built from the service's discovery chain, and one
/// <c>&lt;port&gt;_&lt;service&gt;</c> per service with its own SDS certificate, holding only that service's host. The
/// domains are the configured Hosts (else <c>&lt;svc&gt;.ingress.*</c>), then a <c>:&lt;port&gt;</c> form of each one
/// that has no port.
/// </summary>
internal static class IngressRoutes
{
    public static IEnumerable<RouteConfiguration> Generate(ConfigSnapshot snapshot)
    {
        var ingress = snapshot.IngressGateway!;
        var upstreams = snapshot.Upstreams.ToDictionary(upstream => upstream.Id.EnvoyId, StringComparer.Ordinal);
        foreach (var listener in ingress.Listeners.Where(listener => NetworkFilters.IsHttpLike(listener.Protocol) && listener.Services.Length > 0))
        {
            // Services with their own SDS certificate have their own route (their filter chain's); the others share the
            // listener's, which exists while at least one service uses it (Consul's routesForIngressGateway).
            var byName = new SortedDictionary<string, RouteConfiguration>(StringComparer.Ordinal);
            foreach (var service in listener.Services)
            {
                var name = IngressRouteNames.ForService(listener, service);
                if (!byName.TryGetValue(name, out var route))
                {
                    route = new RouteConfiguration { Name = name };
                    if (snapshot.Mesh?.ValidateClusters == true)
                    {
                        route.ValidateClusters = true;
                    }

                    byName[name] = route;
                }

                if (!upstreams.TryGetValue(service.Upstream.EnvoyId, out var upstream)
                    || RouteGenerator.VirtualHost(upstream.Chain, upstream.Id.EnvoyId) is not { } host)
                {
                    continue;
                }

                host.Domains.Clear();
                host.Domains.AddRange(Domains(service, listener.Port));

                // Consul's injectHeaderManipToVirtualHost: the service's header changes apply to its whole virtual host.
                HeaderModifiers.Apply(service.Settings?.RequestHeaders, host.RequestHeadersToAdd, host.RequestHeadersToRemove);
                HeaderModifiers.Apply(service.Settings?.ResponseHeaders, host.ResponseHeadersToAdd, host.ResponseHeadersToRemove);
                route.VirtualHosts.Add(host);
            }

            foreach (var route in byName.Values)
            {
                yield return route;
            }
        }
    }

    /// <summary>Consul's <c>generateUpstreamIngressDomains</c>.</summary>
    private static List<string> Domains(IngressServiceSnapshot service, int port)
    {
        var hosts = service.Hosts.Length > 0 ? [.. service.Hosts] : new List<string> { service.Upstream.Name + ".ingress.*" };
        var domains = new List<string>(hosts);
        foreach (var host in hosts.Where(host => !host.Contains(':', StringComparison.Ordinal)))
        {
            var withPort = host + ":" + port.ToString(CultureInfo.InvariantCulture);
            if (!domains.Contains(withPort))
            {
                domains.Add(withPort);
            }
        }

        return domains;
    }
}
