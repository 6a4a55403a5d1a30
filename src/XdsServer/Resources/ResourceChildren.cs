using System.Collections.Immutable;
using Envoy.Config.Listener.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Google.Protobuf;
using Mesh.Xds;

namespace Mesh.XdsServer.Resources;

/// <summary>
/// Which resources live inside which in Envoy (Consul's <c>populateChildIndexMap</c>): a cluster holds the endpoints
/// of the same name, a listener holds the RDS route configurations its HTTP connection managers name. Envoy drops a
/// parent's children when the parent is replaced (envoy#13009), so re-sending a parent re-sends its children.
/// </summary>
internal static class ResourceChildren
{
    /// <summary>The child type of a parent type, or null.</summary>
    public static string? ChildType(string typeUrl) => typeUrl switch
    {
        XdsTypeUrls.Cluster => XdsTypeUrls.ClusterLoadAssignment,
        XdsTypeUrls.Listener => XdsTypeUrls.RouteConfiguration,
        _ => null,
    };

    public static ImmutableArray<string> Of(string typeUrl, string name, IMessage resource) => typeUrl switch
    {
        XdsTypeUrls.Cluster => [name],
        XdsTypeUrls.Listener when resource is Listener listener => RouteNames(listener),
        _ => [],
    };

    private static ImmutableArray<string> RouteNames(Listener listener)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        var chains = listener.DefaultFilterChain is { } fallback ? listener.FilterChains.Append(fallback) : listener.FilterChains;
        foreach (var filter in chains.SelectMany(chain => chain.Filters))
        {
            if (filter.TypedConfig is { TypeUrl: XdsTypeUrls.HttpConnectionManager } config
                && config.Unpack<HttpConnectionManager>() is { RouteSpecifierCase: HttpConnectionManager.RouteSpecifierOneofCase.Rds } hcm
                && hcm.Rds.RouteConfigName.Length > 0
                && !names.Contains(hcm.Rds.RouteConfigName))
            {
                names.Add(hcm.Rds.RouteConfigName);
            }
        }

        return names.ToImmutable();
    }
}
