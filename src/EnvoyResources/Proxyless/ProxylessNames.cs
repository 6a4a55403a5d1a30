namespace Mesh.EnvoyResources.Proxyless;

/// <summary>
/// How a proxyless gRPC client's resource names map to catalog services. A client dialing <c>xds:///greeter</c> asks
/// LDS for the listener <c>greeter</c> (gRFC A27: named exactly as the target); <c>xds:///greeter:50051</c> asks for
/// <c>greeter:50051</c>. Both mean the service <c>greeter</c>. The route configuration is named as its listener, and
/// the cluster and its ClusterLoadAssignment are named as the service, so every listener form of one service shares
/// one cluster.
/// </summary>
public static class ProxylessNames
{
    /// <summary>The service a listener (or route configuration) name stands for, or null for a name no service can have.</summary>
    public static string? ServiceOf(string listenerName)
    {
        var name = listenerName.StartsWith("xds:///", StringComparison.Ordinal) ? listenerName["xds:///".Length..] : listenerName;
        var colon = name.LastIndexOf(':');
        if (colon >= 0 && colon < name.Length - 1 && name.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            name = name[..colon];
        }

        return IsServiceName(name) ? name : null;
    }

    /// <summary>The route configuration a listener points at.</summary>
    public static string RouteOf(string listenerName) => listenerName;

    /// <summary>The cluster (and ClusterLoadAssignment) that carries a service's endpoints.</summary>
    public static string ClusterOf(string service) => service;

    /// <summary>A cluster name is a service name; anything else (xdstp names, paths) is no service.</summary>
    public static string? ServiceOfCluster(string clusterName) => IsServiceName(clusterName) ? clusterName : null;

    private static bool IsServiceName(string name)
        => name.Length > 0 && name.AsSpan().IndexOfAny(":/ ") < 0;
}
