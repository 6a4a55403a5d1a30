using Envoy.Config.Endpoint.V3;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg;
using EnvoyHealth = Envoy.Config.Core.V3.HealthStatus;

namespace Mesh.EnvoyResources;

/// <summary>
/// One ClusterLoadAssignment per EDS cluster (Consul's <c>endpointsFromSnapshotConnectProxy</c>): each failover
/// target is its own EDS cluster behind the aggregate, so every assignment has a single priority.
/// </summary>
internal static class EndpointGenerator
{
    public static IEnumerable<ClusterLoadAssignment> Generate(ConfigSnapshot snapshot)
    {
        foreach (var upstream in snapshot.Upstreams)
        {
            var escapeHatch = EscapeHatchClusterName(upstream);
            foreach (var resolver in ResolverClusters.Of(upstream.Chain))
            {
                foreach (var target in resolver.Targets)
                {
                    var endpoints = upstream.Endpoints.TryGetValue(target.Target.Id, out var found) ? found : [];
                    yield return LoadAssignment(escapeHatch ?? target.Name, endpoints, target.Target.Subset.OnlyPassing);
                }
            }
        }
    }

    /// <summary>A default chain's upstream given as <c>envoy_cluster_json</c> names its endpoints after that cluster, as Consul does.</summary>
    private static string? EscapeHatchClusterName(UpstreamSnapshot upstream)
    {
        var config = UpstreamConfigOptions.Parse(upstream.Config?.Config);
        return config.ClusterJson.Length > 0 && upstream.Chain.Default
            ? EscapeHatch.Parse<Envoy.Config.Cluster.V3.Cluster>(config.ClusterJson)?.Name
            : null;
    }

    /// <summary><c>makeLoadAssignment</c> for one group; no endpoints still gives one (empty) locality, as Consul's does.</summary>
    public static ClusterLoadAssignment LoadAssignment(string clusterName, IEnumerable<UpstreamEndpoint> endpoints, bool onlyPassing)
    {
        var locality = new LocalityLbEndpoints();
        foreach (var endpoint in endpoints)
        {
            var (health, weight) = HealthAndWeight(endpoint, onlyPassing);
            locality.LbEndpoints.Add(new LbEndpoint
            {
                Endpoint = new Endpoint { Address = Addresses.Socket(endpoint.Address, endpoint.Port) },
                HealthStatus = health,
                LoadBalancingWeight = (uint)weight,
            });
        }

        return new ClusterLoadAssignment { ClusterName = clusterName, Endpoints = { locality } };
    }

    /// <summary>
    /// <c>calculateEndpointHealthAndWeight</c>: critical (or, with OnlyPassing, anything but passing) is unhealthy; a
    /// warning uses the warning weight; a weight below 1 means unhealthy with weight 1; weights are capped at 128.
    /// </summary>
    public static (EnvoyHealth Health, int Weight) HealthAndWeight(UpstreamEndpoint endpoint, bool onlyPassing)
    {
        var health = EnvoyHealth.Healthy;
        var weight = endpoint.Weights.Passing;
        foreach (var status in endpoint.CheckStatuses)
        {
            if (status is HealthStatus.Critical or HealthStatus.Maintenance)
            {
                health = EnvoyHealth.Unhealthy;
            }

            if (onlyPassing && status != HealthStatus.Passing)
            {
                health = EnvoyHealth.Unhealthy;
            }

            if (status == HealthStatus.Warning)
            {
                weight = endpoint.Weights.Warning;
            }
        }

        if (weight < 1)
        {
            health = EnvoyHealth.Unhealthy;
            weight = 1;
        }

        return (health, Math.Min(weight, 128));
    }
}
