using System.Collections.Immutable;
using Google.Protobuf;
using Mesh.ProxyCfg;
using Mesh.Xds;

namespace Mesh.EnvoyResources;

/// <summary>An API gateway's resource set: the routed services' clusters and endpoints, listeners, routes for http listeners.</summary>
internal static class ApiGatewayResources
{
    public static EnvoyResourceSet Generate(ConfigSnapshot snapshot)
    {
        var byType = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, IMessage>>(StringComparer.Ordinal);
        byType[XdsTypeUrls.Cluster] = ByName(ClusterGenerator.Upstreams(snapshot), c => c.Name);
        byType[XdsTypeUrls.ClusterLoadAssignment] = ByName(EndpointGenerator.Generate(snapshot), e => e.ClusterName);
        byType[XdsTypeUrls.Listener] = ByName(ApiGatewayListeners.Generate(snapshot), l => l.Name);
        byType[XdsTypeUrls.RouteConfiguration] = ByName(ApiGatewayRoutes.Generate(snapshot), r => r.Name);
        return new EnvoyResourceSet(byType.ToImmutable());
    }

    private static ImmutableSortedDictionary<string, IMessage> ByName<T>(IEnumerable<T> resources, Func<T, string> name)
        where T : IMessage
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, IMessage>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            builder.TryAdd(name(resource), resource);
        }

        return builder.ToImmutable();
    }
}
