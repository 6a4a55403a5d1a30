using System.Collections.Immutable;
using Google.Protobuf;
using Mesh.ProxyCfg;
using Mesh.Xds;

namespace Mesh.EnvoyResources;

/// <summary>A mesh gateway's resource set: clusters, endpoints and SNI listeners; it has no routes.</summary>
internal static class MeshGatewayResources
{
    public static EnvoyResourceSet Generate(ConfigSnapshot snapshot)
    {
        var byType = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, IMessage>>(StringComparer.Ordinal);
        byType[XdsTypeUrls.Cluster] = ByName(MeshGatewayClusters.Generate(snapshot), c => c.Name);
        byType[XdsTypeUrls.ClusterLoadAssignment] = ByName(MeshGatewayEndpoints.Generate(snapshot), e => e.ClusterName);
        byType[XdsTypeUrls.Listener] = ByName(MeshGatewayListeners.Generate(snapshot), l => l.Name);
        byType[XdsTypeUrls.RouteConfiguration] = ImmutableSortedDictionary.Create<string, IMessage>(StringComparer.Ordinal);
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
