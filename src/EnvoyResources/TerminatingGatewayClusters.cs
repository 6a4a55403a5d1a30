using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Extensions.TransportSockets.Tls.V3;
using Envoy.Type.Matcher.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.ProxyCfg;
using EnvoyHealth = Envoy.Config.Core.V3.HealthStatus;

namespace Mesh.EnvoyResources;

/// <summary>
/// A terminating gateway's clusters (Consul's <c>makeGatewayServiceClusters</c> and <c>injectGatewayServiceAddons</c>):
/// per served linked service its own cluster and one per resolver subset, each EDS, or LOGICAL_DNS with one inline
/// endpoint (the first healthy hostname instance, else the last unhealthy one) when the service has hostname instances.
/// TLS to the external service is originated from the link's files when it names a CAFile (the certificate and key
/// too when both are set; the SNI and a DNS SAN match when set); the resolver's load balancer applies to every cluster,
/// and an http2/grpc service gets explicit HTTP/2.
/// </summary>
internal static class TerminatingGatewayClusters
{
    private static readonly Duration DnsRefreshRate = Duration.FromTimeSpan(TimeSpan.FromSeconds(10));

    public static IEnumerable<Cluster> Generate(ConfigSnapshot snapshot)
    {
        var strictDns = Mesh.ProxyCfg.Merge.JsonConfig.Text(snapshot.Proxy.Config, "envoy_dns_discovery_type").Equals("strict_dns", StringComparison.OrdinalIgnoreCase);
        foreach (var service in LinkedServiceClusters.Served(snapshot))
        {
            foreach (var linked in LinkedServiceClusters.Of(snapshot, service))
            {
                // The service's own cluster uses all its hostname instances; a subset's, those its filter keeps.
                var hostnames = LinkedServiceClusters.Hostnames(linked.Endpoints);
                var cluster = new Cluster
                {
                    Name = linked.Name,
                    ConnectTimeout = Duration.FromTimeSpan(LinkedServiceClusters.ConnectTimeout(service)),
                    OutlierDetection = new OutlierDetection(),
                };
                if (hostnames.Count == 0)
                {
                    cluster.Type = Cluster.Types.DiscoveryType.Eds;
                    cluster.EdsClusterConfig = new Cluster.Types.EdsClusterConfig { EdsConfig = Addresses.Ads() };
                }
                else
                {
                    WithHostnames(cluster, hostnames, linked.OnlyPassing, strictDns);
                }

                if (Origination(service) is { } tls)
                {
                    cluster.TransportSocket = tls;
                }

                ClusterGenerator.ApplyLoadBalancer(service.Resolver?.LoadBalancer, cluster);
                if (service.Protocol is "http2" or "grpc")
                {
                    ClusterGenerator.SetExplicitHttp2Options(cluster);
                }

                yield return cluster;
            }
        }
    }

    /// <summary><c>configureClusterWithHostnames</c>: DNS discovery of one hostname, refreshed every 10s, IPv4 only.</summary>
    private static void WithHostnames(Cluster cluster, List<UpstreamEndpoint> hostnames, bool onlyPassing, bool strictDns)
    {
        cluster.Type = strictDns ? Cluster.Types.DiscoveryType.StrictDns : Cluster.Types.DiscoveryType.LogicalDns;
        cluster.DnsRefreshRate = DnsRefreshRate;
        cluster.DnsLookupFamily = Cluster.Types.DnsLookupFamily.V4Only;

        LbEndpoint? chosen = null;
        LbEndpoint? fallback = null;
        foreach (var endpoint in hostnames)
        {
            var (health, weight) = EndpointGenerator.HealthAndWeight(endpoint, onlyPassing);
            var lbEndpoint = new LbEndpoint
            {
                Endpoint = new Endpoint { Address = Addresses.Socket(endpoint.Address, endpoint.Port) },
                HealthStatus = health,
                LoadBalancingWeight = (uint)weight,
            };
            if (health == EnvoyHealth.Unhealthy)
            {
                fallback = lbEndpoint;
                continue;
            }

            chosen = lbEndpoint;
            break;
        }

        cluster.LoadAssignment = new ClusterLoadAssignment
        {
            ClusterName = cluster.Name,
            Endpoints = { new LocalityLbEndpoints { LbEndpoints = { (chosen ?? fallback)! } } },
        };
    }

    /// <summary><c>makeCommonTLSContextFromFiles</c>: only when the link names a CAFile; the file paths as they are.</summary>
    private static TransportSocket? Origination(TerminatingServiceSnapshot service)
    {
        if (service.CaFile.Length == 0)
        {
            return null;
        }

        var common = new CommonTlsContext
        {
            TlsParams = new TlsParameters(),
            ValidationContext = new CertificateValidationContext { TrustedCa = new DataSource { Filename = service.CaFile } },
        };
        if (service.CertFile.Length > 0 && service.KeyFile.Length > 0)
        {
            common.TlsCertificates.Add(new TlsCertificate
            {
                CertificateChain = new DataSource { Filename = service.CertFile },
                PrivateKey = new DataSource { Filename = service.KeyFile },
            });
        }

        var context = new UpstreamTlsContext { CommonTlsContext = common };
        if (service.Sni.Length > 0)
        {
            context.Sni = service.Sni;
            common.ValidationContext.MatchTypedSubjectAltNames.Add(new SubjectAltNameMatcher
            {
                SanType = SubjectAltNameMatcher.Types.SanType.Dns,
                Matcher = new StringMatcher { Exact = service.Sni },
            });
        }

        return new TransportSocket { Name = TlsContexts.TransportSocketName, TypedConfig = Any.Pack(context) };
    }
}
