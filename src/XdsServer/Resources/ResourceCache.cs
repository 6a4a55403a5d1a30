using System.Runtime.CompilerServices;
using Mesh.EnvoyResources;
using Mesh.ProxyCfg;

namespace Mesh.XdsServer.Resources;

/// <summary>
/// Generates each snapshot's resources once, however many streams serve it: proxycfg hands every watch of a proxy the
/// same snapshot instance, so streams of one proxy share generation, packing and hashing. Entries live as long as the
/// snapshot does.
/// </summary>
internal static class ResourceCache
{
    private static readonly ConditionalWeakTable<ConfigSnapshot, Lazy<VersionedResourceSet>> Generated = new();

    public static VersionedResourceSet For(ConfigSnapshot snapshot)
        => Generated.GetValue(snapshot, static s => new Lazy<VersionedResourceSet>(() => VersionedResourceSet.From(ResourceGenerator.Generate(s)))).Value;
}
