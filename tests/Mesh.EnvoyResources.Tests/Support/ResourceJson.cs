using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mesh.Xds;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>Generated resources as JSON: per type, a DiscoveryResponse-shaped object like Consul's golden files.</summary>
internal static class ResourceJson
{
    public static JsonFormatter Formatter { get; } =
        new(JsonFormatter.Settings.Default.WithTypeRegistry(XdsTypeRegistry.Instance).WithIndentation());

    public static JsonParser Parser { get; } = new(JsonParser.Settings.Default.WithTypeRegistry(XdsTypeRegistry.Instance));

    /// <summary>The four types a connect proxy gets, with the file name each is kept under (Consul's names).</summary>
    public static IReadOnlyList<(string TypeUrl, string File)> Types { get; } =
    [
        (XdsTypeUrls.Cluster, "clusters.json"),
        (XdsTypeUrls.ClusterLoadAssignment, "endpoints.json"),
        (XdsTypeUrls.Listener, "listeners.json"),
        (XdsTypeUrls.RouteConfiguration, "routes.json"),
    ];

    public static string Format(EnvoyResourceSet set, string typeUrl)
    {
        var response = new DiscoveryResponse { TypeUrl = typeUrl };
        response.Resources.AddRange(set.Of(typeUrl).Values.Select(Any.Pack));
        return Formatter.Format(response) + "\n";
    }
}
