using Mesh.Xds;

namespace Mesh.XdsServer.Delta;

/// <summary>
/// Envoy's make-before-break order (xDS "eventual consistency considerations", Consul's <c>xDSUpdateOrder</c>):
/// clusters, then endpoints, then listeners and routes once clusters and endpoints are acknowledged, and only then
/// removal of stale clusters and endpoints.
/// </summary>
internal static class DeltaUpdateOrder
{
    public static readonly IReadOnlyList<(string TypeUrl, bool Upsert, bool Remove)> Steps =
    [
        (XdsTypeUrls.Cluster, true, false),
        (XdsTypeUrls.ClusterLoadAssignment, true, false),
        (XdsTypeUrls.Listener, true, true),
        (XdsTypeUrls.RouteConfiguration, true, true),
        (XdsTypeUrls.Cluster, false, true),
        (XdsTypeUrls.ClusterLoadAssignment, false, true),
    ];

    /// <summary>The types this server serves over delta ADS.</summary>
    public static readonly IReadOnlyList<string> Types =
        [XdsTypeUrls.Cluster, XdsTypeUrls.ClusterLoadAssignment, XdsTypeUrls.Listener, XdsTypeUrls.RouteConfiguration];

    /// <summary>Listeners and routes wait while clusters or endpoints have an unacknowledged response.</summary>
    public static bool WaitsForClusters(string typeUrl) => typeUrl is XdsTypeUrls.Listener or XdsTypeUrls.RouteConfiguration;
}
