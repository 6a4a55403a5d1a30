using System.Collections.Immutable;
using Google.Protobuf;

namespace Mesh.EnvoyResources;

/// <summary>
/// The Envoy resources generated for one proxy snapshot, by type URL (<see cref="Mesh.Xds.XdsTypeUrls"/>), each type's
/// resources sorted by name (Listener.Name, Cluster.Name, ClusterLoadAssignment.ClusterName, RouteConfiguration.Name).
/// </summary>
public sealed record EnvoyResourceSet(ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, IMessage>> ByType)
{
    public ImmutableSortedDictionary<string, IMessage> Of(string typeUrl)
        => ByType.TryGetValue(typeUrl, out var resources) ? resources : ImmutableSortedDictionary<string, IMessage>.Empty;
}
