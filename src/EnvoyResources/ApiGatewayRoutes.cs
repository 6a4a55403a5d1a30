using System.Globalization;
using Envoy.Config.Route.V3;
using Mesh.Config.ConfigEntries;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// An API gateway's route configurations, one per http listener with bound routes, named after its port. As Consul's
/// gateway chain synthesizer does, the bound http-routes are grouped by the host names they serve (a route's
/// Hostnames, else the listener's Hostname, else <c>*</c>); each group is a virtual host named
/// <c>&lt;gateway&gt;-&lt;listener&gt;-&lt;hosts key&gt;</c> (<see cref="HostsKey"/>) whose domains are the names plus a
/// <c>:&lt;port&gt;</c> form of each. Each rule's match (default: prefix <c>/</c>) becomes a route; its filters become the
/// service-router destination settings they are synthesized into (header changes, URL rewrite, retries, timeouts) and
/// its services the backend cluster, or weighted clusters when there are several.
/// </summary>
internal static class ApiGatewayRoutes
{
    public static IEnumerable<RouteConfiguration> Generate(ConfigSnapshot snapshot)
    {
        var gateway = snapshot.ApiGateway!;
        var upstreams = snapshot.Upstreams.ToDictionary(upstream => upstream.Id.EnvoyId, StringComparer.Ordinal);
        foreach (var listener in gateway.Listeners.Where(listener => listener.Protocol == "http" && !listener.HttpRoutes.IsEmpty))
        {
            var configuration = new RouteConfiguration { Name = listener.Port.ToString(CultureInfo.InvariantCulture) };
            var groups = listener.HttpRoutes
                .GroupBy(route => Hosts(route, listener), StringComparer.Ordinal)
                .OrderBy(group => group.Key, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var hosts = group.Key.Split('\n');
                var host = new VirtualHost { Name = $"{snapshot.Service}-{listener.Name}-{HostsKey.Of(hosts)}" };
                host.Domains.AddRange(Domains(hosts, listener.Port));
                foreach (var route in group)
                {
                    host.Routes.AddRange(Routes(route, upstreams));
                }

                if (host.Routes.Count > 0)
                {
                    configuration.VirtualHosts.Add(host);
                }
            }

            if (snapshot.Mesh?.ValidateClusters == true)
            {
                configuration.ValidateClusters = true;
            }

            yield return configuration;
        }
    }

    /// <summary>The route's host names (sorted, one per line), else the listener's, else <c>*</c>.</summary>
    private static string Hosts(HttpRouteEntry route, ApiGatewayListenerSnapshot listener)
    {
        var hosts = route.Hostnames is { Count: > 0 } names ? names
            : listener.Hostname.Length > 0 ? [listener.Hostname]
            : ["*"];
        return string.Join('\n', hosts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    private static List<string> Domains(IEnumerable<string> hosts, int port)
    {
        var domains = new List<string>();
        foreach (var host in hosts)
        {
            domains.Add(host);
            if (!host.Contains(':', StringComparison.Ordinal))
            {
                domains.Add(host + ":" + port.ToString(CultureInfo.InvariantCulture));
            }
        }

        return [.. domains.Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<Route> Routes(HttpRouteEntry route, Dictionary<string, UpstreamSnapshot> upstreams)
    {
        foreach (var rule in route.Rules ?? [])
        {
            if (Action(rule, upstreams) is not { } action)
            {
                continue;
            }

            var destination = Destination(rule.Filters, rule.ResponseFilters);
            foreach (var match in rule.Matches is { Count: > 0 } matches ? matches : [new HttpMatch()])
            {
                var envoyRoute = new Route { Match = RouteMatches.ForRoute(Match(match)), Route_ = action.Clone() };
                RouteGenerator.ApplyDestination(destination, envoyRoute.Route_, envoyRoute);
                yield return envoyRoute;
            }
        }
    }

    /// <summary>The rule's backend: its one service's route action, or weighted clusters (weights in ten-thousandths).</summary>
    private static RouteAction? Action(HttpRouteRule rule, Dictionary<string, UpstreamSnapshot> upstreams)
    {
        var backends = (rule.Services ?? [])
            .Select(service => (Service: service, Action: service.Name is { Length: > 0 } name && upstreams.TryGetValue(UpstreamId.ForService(name).EnvoyId, out var upstream)
                ? RouteGenerator.VirtualHost(upstream.Chain, upstream.Id.EnvoyId)?.Routes.LastOrDefault()?.Route_
                : null))
            .Where(backend => backend.Action is not null)
            .ToList();
        if (backends.Count == 0)
        {
            return null;
        }

        if (backends.Count == 1)
        {
            return backends[0].Action!.Clone();
        }

        var total = backends.Sum(backend => Math.Max(backend.Service.Weight, 1));
        var weighted = new WeightedCluster();
        foreach (var (service, action) in backends.Where(backend => backend.Action!.Cluster.Length > 0))
        {
            weighted.Clusters.Add(new WeightedCluster.Types.ClusterWeight
            {
                Name = action!.Cluster,
                Weight = (uint)Math.Round(Math.Max(service.Weight, 1) * 10000.0 / total),
            });
        }

        return new RouteAction { WeightedClusters = weighted };
    }

    /// <summary>The rule's filters as the service-router destination Consul synthesizes from them.</summary>
    private static ServiceRouteDestination Destination(HttpFilters? filters, HttpResponseFilters? responseFilters) => new()
    {
        PrefixRewrite = filters?.UrlRewrite?.Path,
        RequestTimeout = filters?.TimeoutFilter?.RequestTimeout,
        IdleTimeout = filters?.TimeoutFilter?.IdleTimeout,
        NumRetries = (int)(filters?.RetryFilter?.NumRetries ?? 0),
        RetryOn = filters?.RetryFilter?.RetryOn,
        RetryOnStatusCodes = filters?.RetryFilter?.RetryOnStatusCodes?.Select(code => (int)code).ToList(),
        RetryOnConnectFailure = filters?.RetryFilter?.RetryOnConnectFailure ?? false,
        RequestHeaders = Modifiers(filters?.Headers),
        ResponseHeaders = Modifiers(responseFilters?.Headers),
    };

    private static HttpHeaderModifiers? Modifiers(List<HttpHeaderFilter>? headers)
    {
        if (headers is not { Count: > 0 })
        {
            return null;
        }

        var add = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var set = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var remove = new List<string>();
        foreach (var header in headers)
        {
            foreach (var (key, value) in header.Add ?? [])
            {
                add[key] = value;
            }

            foreach (var (key, value) in header.Set ?? [])
            {
                set[key] = value;
            }

            remove.AddRange(header.Remove ?? []);
        }

        return new HttpHeaderModifiers { Add = add, Set = set, Remove = remove };
    }

    /// <summary>An http-route match as the service-router match Consul synthesizes from it.</summary>
    private static ServiceRouteMatch Match(HttpMatch match) => new()
    {
        Http = new ServiceRouteHttpMatch
        {
            PathExact = match.Path?.Match == "exact" ? match.Path.Value : null,
            PathPrefix = match.Path is null || match.Path.Match is null or "" or "prefix" ? match.Path?.Value ?? "/" : null,
            PathRegex = match.Path?.Match == "regex" ? match.Path.Value : null,
            Methods = string.IsNullOrEmpty(match.Method) ? null : [match.Method],
            Header = match.Headers?.Select(header => new ServiceRouteHeaderMatch
            {
                Name = header.Name,
                Present = header.Match == "present",
                Exact = header.Match is null or "" or "exact" ? header.Value : null,
                Prefix = header.Match == "prefix" ? header.Value : null,
                Suffix = header.Match == "suffix" ? header.Value : null,
                Regex = header.Match == "regex" ? header.Value : null,
            }).ToList(),
            QueryParam = match.Query?.Select(query => new ServiceRouteQueryParamMatch
            {
                Name = query.Name,
                Present = query.Match == "present",
                Exact = query.Match is null or "" or "exact" ? query.Value : null,
                Regex = query.Match == "regex" ? query.Value : null,
            }).ToList(),
        },
    };
}
