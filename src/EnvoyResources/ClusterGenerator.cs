using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.Config.ConfigEntries;
using Mesh.Config.DiscoveryChain;
using Mesh.ProxyCfg;
using AggregateClusterConfig = Envoy.Extensions.Clusters.Aggregate.V3.ClusterConfig;
using HttpProtocolOptions = Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptions;

namespace Mesh.EnvoyResources;

/// <summary>A connect-proxy's clusters (Consul's <c>clustersFromSnapshotConnectProxy</c>).</summary>
internal static class ClusterGenerator
{
    private const string HttpProtocolOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    public static IEnumerable<Cluster> Generate(ConfigSnapshot snapshot, ProxyConfigOptions options)
    {
        yield return LocalApp(snapshot, options);

        foreach (var upstream in snapshot.Upstreams)
        {
            foreach (var cluster in Upstream(snapshot, upstream))
            {
                yield return cluster;
            }
        }

        if (snapshot.IsTransparent && snapshot.Mesh?.TransparentProxy?.MeshDestinationsOnly != true)
        {
            yield return new Cluster
            {
                Name = ResourceNames.OriginalDestination,
                Type = Cluster.Types.DiscoveryType.OriginalDst,
                LbPolicy = Cluster.Types.LbPolicy.ClusterProvided,
                ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)),
            };
        }
    }

    /// <summary>The clusters of every upstream's chain (a gateway has no local app).</summary>
    public static IEnumerable<Cluster> Upstreams(ConfigSnapshot snapshot) => snapshot.Upstreams.SelectMany(upstream => Upstream(snapshot, upstream));

    /// <summary><c>makeAppCluster</c>: the local service, or the user's <c>envoy_local_cluster_json</c>.</summary>
    private static Cluster LocalApp(ConfigSnapshot snapshot, ProxyConfigOptions options)
    {
        if (options.LocalClusterJson.Length > 0 && EscapeHatch.Parse<Cluster>(options.LocalClusterJson) is { } custom)
        {
            return custom;
        }

        var address = snapshot.Proxy.LocalServiceAddress.Length > 0 ? snapshot.Proxy.LocalServiceAddress : "127.0.0.1";
        var cluster = new Cluster
        {
            Name = ResourceNames.LocalApp,
            Type = Cluster.Types.DiscoveryType.Static,
            ConnectTimeout = Duration.FromTimeSpan(options.LocalConnectTimeout),
            LoadAssignment = new ClusterLoadAssignment
            {
                ClusterName = ResourceNames.LocalApp,
                Endpoints =
                {
                    new LocalityLbEndpoints { LbEndpoints = { new LbEndpoint { Endpoint = new Endpoint { Address = Addresses.Socket(address, snapshot.Proxy.LocalServicePort) } } } },
                },
            },
        };
        if (options.Protocol is "http2" or "grpc")
        {
            SetDownstreamProtocolOptions(cluster);
        }

        return cluster;
    }

    /// <summary><c>makeUpstreamClustersForDiscoveryChain</c>.</summary>
    private static List<Cluster> Upstream(ConfigSnapshot snapshot, UpstreamSnapshot upstream)
    {
        var chain = upstream.Chain;
        var config = UpstreamConfigOptions.Parse(upstream.Config?.Config);
        var protocol = config.Protocol.Length > 0 ? config.Protocol : chain.Protocol;

        var clusters = new List<Cluster>();
        foreach (var resolver in ResolverClusters.Of(chain))
        {
            var connectTimeout = Duration.FromTimeSpan(resolver.Resolver.ConnectTimeout);
            if (resolver.IsFailover)
            {
                var aggregate = new AggregateClusterConfig();
                aggregate.Clusters.AddRange(resolver.Targets.Select(t => t.Name));
                var failover = new Cluster
                {
                    Name = resolver.BaseName,
                    AltStatName = resolver.BaseName,
                    ConnectTimeout = connectTimeout,
                    LbPolicy = Cluster.Types.LbPolicy.ClusterProvided,
                    ClusterType = new Cluster.Types.CustomClusterType { Name = "envoy.clusters.aggregate", TypedConfig = Any.Pack(aggregate) },
                };

                clusters.Add(failover);
            }

            foreach (var target in resolver.Targets)
            {
                var cluster = new Cluster
                {
                    Name = target.Name,
                    AltStatName = target.Name,
                    ConnectTimeout = connectTimeout,
                    Type = Cluster.Types.DiscoveryType.Eds,
                    CommonLbConfig = new Cluster.Types.CommonLbConfig { HealthyPanicThreshold = new Envoy.Type.V3.Percent() },
                    EdsClusterConfig = new Cluster.Types.EdsClusterConfig { EdsConfig = Addresses.Ads() },
                    CircuitBreakers = new CircuitBreakers(),
                    OutlierDetection = new OutlierDetection(),
                    TransportSocket = TlsContexts.Upstream(snapshot, target.Target.Sni, TargetSpiffeId(snapshot, target.Target)),
                };

                // The upstream's own limits and passive health check (Consul's makeThresholdsIfNeeded and
                // ToOutlierDetection(cfg.PassiveHealthCheck, nil, true)); an ingress gateway's come from its entry below.
                if (config.Limits is { } limits)
                {
                    cluster.CircuitBreakers.Thresholds.Add(limits.Thresholds());
                }

                if (config.PassiveHealthCheck is { } check)
                {
                    cluster.OutlierDetection = ClusterLimits.OutlierDetection(check, overrides: null, allowZero: true);
                }

                ApplyLoadBalancer(resolver.LoadBalancer, cluster);
                if (protocol is "http2" or "grpc")
                {
                    SetExplicitHttp2Options(cluster);
                }

                clusters.Add(cluster);
            }
        }

        // An ingress gateway's limits and passive health checks, on every cluster of the chain, the aggregate too
        // (Consul's configIngressUpstreamCluster), before an escape hatch replaces them.
        if (snapshot.Kind == Mesh.Fsm.Model.ServiceKind.IngressGateway)
        {
            IngressClusterSettings.Apply(snapshot, upstream, clusters);
        }

        // The escape hatch applies only to a chain nothing has shaped; it keeps Consul's mTLS socket.
        if (config.ClusterJson.Length > 0 && chain.Default && clusters.Count == 1
            && EscapeHatch.Parse<Cluster>(config.ClusterJson) is { } custom)
        {
            custom.TransportSocket = clusters[0].TransportSocket;
            return [custom];
        }

        return clusters;
    }

    private static string TargetSpiffeId(ConfigSnapshot snapshot, DiscoveryTarget target)
        => ResourceNames.SpiffeId(snapshot.TrustDomain, target.Partition, target.Namespace, target.Datacenter, target.Service);

    /// <summary><c>injectLBToCluster</c>.</summary>
    internal static void ApplyLoadBalancer(LoadBalancer? lb, Cluster cluster)
    {
        switch (lb?.Policy)
        {
            case "least_request":
                cluster.LbPolicy = Cluster.Types.LbPolicy.LeastRequest;
                if (lb.LeastRequestConfig is { } leastRequest)
                {
                    cluster.LeastRequestLbConfig = new Cluster.Types.LeastRequestLbConfig { ChoiceCount = leastRequest.ChoiceCount };
                }

                break;
            case "round_robin":
                cluster.LbPolicy = Cluster.Types.LbPolicy.RoundRobin;
                break;
            case "random":
                cluster.LbPolicy = Cluster.Types.LbPolicy.Random;
                break;
            case "ring_hash":
                cluster.LbPolicy = Cluster.Types.LbPolicy.RingHash;
                if (lb.RingHashConfig is { } ring)
                {
                    cluster.RingHashLbConfig = new Cluster.Types.RingHashLbConfig
                    {
                        MinimumRingSize = ring.MinimumRingSize,
                        MaximumRingSize = ring.MaximumRingSize,
                    };
                }

                break;
            case "maglev":
                cluster.LbPolicy = Cluster.Types.LbPolicy.Maglev;
                break;
            default:
                break;
        }
    }

    /// <summary>An HTTP/2 upstream cluster speaks HTTP/2 to the upstream's sidecar, whatever the app spoke to us.</summary>
    internal static void SetExplicitHttp2Options(Cluster cluster)
    {
        var options = new HttpProtocolOptions
        {
            ExplicitHttpConfig = new HttpProtocolOptions.Types.ExplicitHttpConfig { Http2ProtocolOptions = new Http2ProtocolOptions() },
        };
        cluster.TypedExtensionProtocolOptions[HttpProtocolOptionsKey] = Any.Pack(options);
    }

    /// <summary><c>local_app</c> of an HTTP/2 service: speak to the app in the protocol the caller used.</summary>
    private static void SetDownstreamProtocolOptions(Cluster cluster)
    {
        var options = new HttpProtocolOptions
        {
            UseDownstreamProtocolConfig = new HttpProtocolOptions.Types.UseDownstreamHttpConfig
            {
                HttpProtocolOptions = new Http1ProtocolOptions(),
                Http2ProtocolOptions = new Http2ProtocolOptions(),
            },
        };
        cluster.TypedExtensionProtocolOptions[HttpProtocolOptionsKey] = Any.Pack(options);
    }
}
