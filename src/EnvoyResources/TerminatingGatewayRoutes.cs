using Envoy.Config.Route.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// A terminating gateway's route configurations (Consul's <c>routesForTerminatingGateway</c>): for each cluster of a
/// served HTTP-like linked service whose leaf is known, one named after the cluster with a single virtual host (<c>*</c>)
/// routing <c>/</c> to it, the Host header rewritten to the external host (unless the link disables it), the resolver's hash policies and request timeout.
/// </summary>
internal static class TerminatingGatewayRoutes
{
    public static IEnumerable<RouteConfiguration> Generate(ConfigSnapshot snapshot)
    {
        foreach (var service in LinkedServiceClusters.Served(snapshot).Where(s => s.Leaf is not null && NetworkFilters.IsHttpLike(s.Protocol)))
        {
            var timeout = LinkedServiceClusters.RequestTimeout(service);
            foreach (var linked in LinkedServiceClusters.Of(snapshot, service))
            {
                var action = new RouteAction { Cluster = linked.Name };
                if (service.AutoHostRewrite)
                {
                    action.AutoHostRewrite = true;
                }

                RouteGenerator.ApplyHashPolicies(service.Resolver?.LoadBalancer, action);
                if (timeout > TimeSpan.Zero)
                {
                    action.Timeout = Duration.FromTimeSpan(timeout);
                }

                yield return new RouteConfiguration
                {
                    Name = linked.Name,
                    VirtualHosts =
                    {
                        new VirtualHost
                        {
                            Name = linked.Name,
                            Domains = { "*" },
                            Routes = { new Route { Match = RouteMatches.Default(), Route_ = action } },
                        },
                    },
                };
            }
        }
    }
}
