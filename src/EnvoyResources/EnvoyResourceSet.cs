using System.Collections.Immutable;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Google.Protobuf;
using Mesh.Xds;

namespace Mesh.EnvoyResources;

/// <summary>
/// The Envoy resources generated for one proxy snapshot, by type URL (<see cref="Mesh.Xds.XdsTypeUrls"/>), each type's
/// resources sorted by name (Listener.Name, Cluster.Name, ClusterLoadAssignment.ClusterName, RouteConfiguration.Name).
/// </summary>
public sealed record EnvoyResourceSet(ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, IMessage>> ByType)
{
    public ImmutableSortedDictionary<string, IMessage> Of(string typeUrl)
        => ByType.TryGetValue(typeUrl, out var resources) ? resources : ImmutableSortedDictionary<string, IMessage>.Empty;

    /// <summary>The set of one proxy's generated clusters, endpoints, listeners and routes (every proxy kind assembles it so).</summary>
    internal static EnvoyResourceSet From(
        IEnumerable<Cluster> clusters, IEnumerable<ClusterLoadAssignment> endpoints, IEnumerable<Listener> listeners, IEnumerable<RouteConfiguration> routes)
    {
        var byType = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, IMessage>>(StringComparer.Ordinal);
        byType[XdsTypeUrls.Cluster] = ByName(clusters, c => c.Name);
        byType[XdsTypeUrls.ClusterLoadAssignment] = ByName(endpoints, e => e.ClusterName);
        byType[XdsTypeUrls.Listener] = ByName(listeners, l => l.Name);
        byType[XdsTypeUrls.RouteConfiguration] = ByName(routes, r => r.Name);
        return new EnvoyResourceSet(byType.ToImmutable());
    }

    /// <summary>Resources by name; when two upstreams share a cluster, the first one generated is kept (as Consul does).</summary>
    internal static ImmutableSortedDictionary<string, IMessage> ByName<T>(IEnumerable<T> resources, Func<T, string> name)
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
