using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Http.Router.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources.Proxyless;

/// <summary>
/// The four resources of gRFC A27's chain, shaped as gRPC clients validate them (grpc-js-xds 1.14, grpc-go): an API
/// listener whose HttpConnectionManager ends with the router filter and fetches its routes over ADS; one virtual host
/// routing every path to the service's cluster; an EDS cluster with ROUND_ROBIN whose endpoints come over ADS; and
/// one locality (weight 1, priority 0) of IP endpoints.
/// </summary>
public static class ProxylessResourceFactory
{
    public const string RouterFilterName = "envoy.filters.http.router";

    public const string HttpConnectionManagerName = "envoy.filters.network.http_connection_manager";

    private static ConfigSource Ads => new() { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 };

    public static Listener ListenerFor(string listenerName)
    {
        var manager = new HttpConnectionManager
        {
            StatPrefix = listenerName,
            CodecType = HttpConnectionManager.Types.CodecType.Auto,
            Rds = new Rds { RouteConfigName = ProxylessNames.RouteOf(listenerName), ConfigSource = Ads },
            HttpFilters = { new HttpFilter { Name = RouterFilterName, TypedConfig = Any.Pack(new Router()) } },
        };
        return new Listener
        {
            Name = listenerName,
            ApiListener = new ApiListener { ApiListener_ = Any.Pack(manager) },
        };
    }

    public static RouteConfiguration RoutesFor(string routeName, string clusterName)
    {
        return new RouteConfiguration
        {
            Name = routeName,
            VirtualHosts =
            {
                new VirtualHost
                {
                    Name = routeName,
                    // The client picks a virtual host by its data-plane authority (the target's name, e.g.
                    // "greeter"); "*" keeps an overridden authority (grpc.default_authority) routable too.
                    Domains = { routeName, "*" },
                    Routes =
                    {
                        new Route
                        {
                            Match = new RouteMatch { Prefix = string.Empty },
                            Route_ = new RouteAction { Cluster = clusterName },
                        },
                    },
                },
            },
        };
    }

    public static Cluster ClusterFor(string clusterName)
    {
        return new Cluster
        {
            Name = clusterName,
            Type = Cluster.Types.DiscoveryType.Eds,
            LbPolicy = Cluster.Types.LbPolicy.RoundRobin,
            ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)),
            EdsClusterConfig = new Cluster.Types.EdsClusterConfig { EdsConfig = Ads, ServiceName = clusterName },
        };
    }

    public static ClusterLoadAssignment LoadAssignmentFor(string clusterName, string datacenter, IReadOnlyList<ProxylessEndpoint> endpoints)
    {
        var assignment = new ClusterLoadAssignment { ClusterName = clusterName };
        if (endpoints.Count == 0)
        {
            return assignment;
        }

        var locality = new LocalityLbEndpoints
        {
            Locality = new Locality { Region = datacenter },
            LoadBalancingWeight = 1,
            Priority = 0,
        };
        foreach (var endpoint in endpoints)
        {
            locality.LbEndpoints.Add(new LbEndpoint
            {
                Endpoint = new Endpoint
                {
                    Address = new Address { SocketAddress = new SocketAddress { Address = endpoint.Address, PortValue = (uint)endpoint.Port } },
                },
                // Proxycfg keeps only passing and warning instances; both are HEALTHY, as Consul's EDS says.
                HealthStatus = HealthStatus.Healthy,
                LoadBalancingWeight = (uint)Math.Max(1, endpoint.Weight),
            });
        }

        assignment.Endpoints.Add(locality);
        return assignment;
    }
}
