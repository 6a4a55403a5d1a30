using System.Runtime.CompilerServices;
using Mesh.EnvoyResources;
using Mesh.ProxyCfg;
using Mesh.Xds;

namespace Mesh.XdsServer.Resources;

/// <summary>
/// Generates each snapshot's resources once, however many streams serve it: proxycfg hands every watch of a proxy the
/// same snapshot instance, so streams of one proxy share generation, packing and hashing. One instance per server
/// (owned by its <see cref="XdsServerContext"/>); entries are held weakly by the snapshot, so they live as long as
/// the snapshot does and never outside the server. When a snapshot differs from the stream's previous one only in
/// endpoints (an instance came, went or changed health — the bulk of all changes), only the endpoint resources are
/// regenerated; clusters, listeners and routes (with their certificates and RBAC) are reused with their versions.
/// </summary>
internal sealed class ResourceCache(SnapshotEquality equality)
{
    private readonly ConditionalWeakTable<ConfigSnapshot, Lazy<VersionedResourceSet>> _generated = new();

    public VersionedResourceSet For(ConfigSnapshot snapshot, ConfigSnapshot? previous = null, VersionedResourceSet? previousResources = null)
        => _generated.GetValue(snapshot, s => new Lazy<VersionedResourceSet>(() => Generate(s, previous, previousResources))).Value;

    private VersionedResourceSet Generate(ConfigSnapshot snapshot, ConfigSnapshot? previous, VersionedResourceSet? previousResources)
    {
        // Transparent proxies' outbound listener matches endpoint virtual addresses, so it depends on endpoints too.
        if (previous is not null && previousResources is not null && !snapshot.IsTransparent && !previous.IsTransparent
            && equality.SameExceptEndpoints(previous, snapshot))
        {
            return previousResources.WithType(XdsTypeUrls.ClusterLoadAssignment, ResourceGenerator.GenerateEndpoints(snapshot));
        }

        return VersionedResourceSet.From(ResourceGenerator.Generate(snapshot));
    }
}
