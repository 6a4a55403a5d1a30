using System.Runtime.CompilerServices;
using Mesh.EnvoyResources;
using Mesh.ProxyCfg;
using Mesh.Xds;

namespace Mesh.XdsServer.Resources;

/// <summary>
/// Generates each snapshot's resources once, however many streams serve it: proxycfg hands every watch of a proxy the
/// same snapshot instance, so streams of one proxy share generation, packing and hashing. Entries live as long as the
/// snapshot does. When a snapshot differs from the stream's previous one only in endpoints (an instance came, went or
/// changed health — the bulk of all changes), only the endpoint resources are regenerated; clusters, listeners and
/// routes (with their certificates and RBAC) are reused with their versions.
/// </summary>
internal static class ResourceCache
{
    private static readonly ConditionalWeakTable<ConfigSnapshot, Lazy<VersionedResourceSet>> Generated = new();

    public static VersionedResourceSet For(ConfigSnapshot snapshot, ConfigSnapshot? previous = null, VersionedResourceSet? previousResources = null)
        => Generated.GetValue(snapshot, s => new Lazy<VersionedResourceSet>(() => Generate(s, previous, previousResources))).Value;

    private static VersionedResourceSet Generate(ConfigSnapshot snapshot, ConfigSnapshot? previous, VersionedResourceSet? previousResources)
    {
        // Transparent proxies' outbound listener matches endpoint virtual addresses, so it depends on endpoints too.
        if (previous is not null && previousResources is not null && !snapshot.IsTransparent && !previous.IsTransparent
            && SnapshotEquality.SameExceptEndpoints(previous, snapshot))
        {
            return previousResources.WithType(XdsTypeUrls.ClusterLoadAssignment, ResourceGenerator.GenerateEndpoints(snapshot));
        }

        return VersionedResourceSet.From(ResourceGenerator.Generate(snapshot));
    }
}
