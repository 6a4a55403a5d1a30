using System.Collections.Immutable;
using Google.Protobuf;
using Mesh.ProxyCfg;
using Mesh.Xds;

namespace Mesh.EnvoyResources;

/// <summary>A terminating gateway's resources: its linked services' clusters and endpoints, its listener, HTTP services' routes.</summary>
internal static class TerminatingGatewayResources
{
    public static EnvoyResourceSet Generate(ConfigSnapshot snapshot)
    {
        var byType = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, IMessage>>(StringComparer.Ordinal);
        byType[XdsTypeUrls.Cluster] = ByName(TerminatingGatewayClusters.Generate(snapshot), c => c.Name);
        byType[XdsTypeUrls.ClusterLoadAssignment] = ByName(TerminatingGatewayEndpoints.Generate(snapshot), e => e.ClusterName);
        byType[XdsTypeUrls.Listener] = ByName(TerminatingGatewayListeners.Generate(snapshot), l => l.Name);
        byType[XdsTypeUrls.RouteConfiguration] = ByName(TerminatingGatewayRoutes.Generate(snapshot), r => r.Name);
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
