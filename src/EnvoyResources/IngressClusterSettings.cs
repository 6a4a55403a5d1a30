using Envoy.Config.Cluster.V3;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// Consul's <c>configIngressUpstreamCluster</c>: an ingress gateway's upstream clusters get the entry's
/// <c>Defaults</c> limits with the service's own non-zero limits on top, and outlier detection from the defaults' passive
/// health check overridden by the service's. The service is the first listener's (by port) that exposes the upstream,
/// the one whose clusters the build keeps.
/// </summary>
internal static class IngressClusterSettings
{
    public static void Apply(ConfigSnapshot snapshot, UpstreamSnapshot upstream, IReadOnlyList<Cluster> clusters)
    {
        if (snapshot.IngressGateway is not { } ingress)
        {
            return;
        }

        var settings = ingress.Listeners.SelectMany(listener => listener.Services).FirstOrDefault(service => service.Upstream == upstream.Id)?.Settings;
        var defaults = ingress.Defaults;
        var thresholds = ClusterLimits.Thresholds(
            Pick(settings?.MaxConnections, defaults?.MaxConnections),
            Pick(settings?.MaxPendingRequests, defaults?.MaxPendingRequests),
            Pick(settings?.MaxConcurrentRequests, defaults?.MaxConcurrentRequests));
        foreach (var cluster in clusters)
        {
            // Consul leaves an aggregate (failover) cluster without circuit breakers; Envoy applies them per target.
            if (thresholds is not null && cluster.CircuitBreakers is { } breakers)
            {
                breakers.Thresholds.Clear();
                breakers.Thresholds.Add(thresholds.Clone());
            }

            cluster.OutlierDetection = ClusterLimits.OutlierDetection(defaults?.PassiveHealthCheck, settings?.PassiveHealthCheck, allowZero: false);
        }
    }

    /// <summary>The service's limit when it sets one, else the default's (zero is unset on both).</summary>
    private static uint Pick(uint? own, uint? fallback) => own is > 0 ? own.Value : fallback ?? 0;
}
