using System.Net;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.Config.DiscoveryChain;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// A mesh gateway's clusters (Consul's <c>clustersFromSnapshotMeshGateway</c>), none with TLS since the gateway passes
/// TLS through: per other datacenter <c>&lt;dc&gt;.internal.&lt;td&gt;</c>, EDS over its gateways' WAN addresses, or
/// LOGICAL_DNS to one hostname when they are reached by name; per local service and resolver subset an EDS cluster
/// named by its SNI, with the resolver's connect timeout and load balancer (hash-based policies ignored: the gateway
/// sees no HTTP to hash).
/// </summary>
internal static class MeshGatewayClusters
{
    private static readonly Duration RemoteConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(5));

    public static string DatacenterClusterName(string datacenter, string trustDomain) => $"{datacenter}.internal.{trustDomain}";

    public static string ServiceClusterName(ConfigSnapshot snapshot, string service, string subset)
        => ChainTargetNames.Sni(service, subset, "default", "default", snapshot.Datacenter, snapshot.TrustDomain);

    public static IEnumerable<Cluster> Generate(ConfigSnapshot snapshot)
    {
        var gateway = snapshot.MeshGateway!;
        foreach (var remote in gateway.Datacenters)
        {
            var name = DatacenterClusterName(remote.Datacenter, snapshot.TrustDomain);
            yield return HostnameEndpoint(remote) is { } hostname
                ? LogicalDns(name, hostname)
                : Eds(name, RemoteConnectTimeout);
        }

        foreach (var service in gateway.Services)
        {
            foreach (var subset in service.Subsets)
            {
                var cluster = Eds(ServiceClusterName(snapshot, service.Name, subset.Subset), Duration.FromTimeSpan(service.ConnectTimeout));
                if (service.LoadBalancer?.Policy is not ("ring_hash" or "maglev"))
                {
                    ClusterGenerator.ApplyLoadBalancer(service.LoadBalancer, cluster);
                }

                yield return cluster;
            }
        }
    }

    /// <summary>
    /// Consul's <c>hostnameEndpoints</c>: when any of a datacenter's gateways is reached by hostname, the first healthy
    /// one of those (else the first) is the cluster's only endpoint; gateways with IP addresses are then left out.
    /// </summary>
    public static UpstreamEndpoint? HostnameEndpoint(RemoteGatewaysSnapshot remote)
    {
        var hostnames = remote.Gateways.Where(gateway => !IPAddress.TryParse(gateway.Address, out _)).ToList();
        return hostnames.Count == 0
            ? null
            : hostnames.FirstOrDefault(gateway => EndpointGenerator.HealthAndWeight(gateway, onlyPassing: false).Health == Envoy.Config.Core.V3.HealthStatus.Healthy)
              ?? hostnames[0];
    }

    private static Cluster Eds(string name, Duration connectTimeout) => new()
    {
        Name = name,
        ConnectTimeout = connectTimeout,
        Type = Cluster.Types.DiscoveryType.Eds,
        EdsClusterConfig = new Cluster.Types.EdsClusterConfig { EdsConfig = Addresses.Ads() },
        OutlierDetection = new OutlierDetection(),
    };

    private static Cluster LogicalDns(string name, UpstreamEndpoint endpoint) => new()
    {
        Name = name,
        ConnectTimeout = RemoteConnectTimeout,
        Type = Cluster.Types.DiscoveryType.LogicalDns,
        DnsLookupFamily = Cluster.Types.DnsLookupFamily.V4Only,
        DnsRefreshRate = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
        LoadAssignment = EndpointGenerator.LoadAssignment(name, [endpoint], onlyPassing: false),
        OutlierDetection = new OutlierDetection(),
    };
}
