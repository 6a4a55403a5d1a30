using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;
using Mesh.EnvoyResources;

namespace Mesh.XdsServer.Resources;

/// <summary>
/// A proxy's generated resources indexed for serving: by type URL then name, each packed and versioned once, plus the
/// parent -> children index. Immutable, so streams of the same proxy can share one.
/// </summary>
internal sealed class VersionedResourceSet
{
    private static readonly ImmutableSortedDictionary<string, VersionedResource> None = ImmutableSortedDictionary.Create<string, VersionedResource>(StringComparer.Ordinal);

    private readonly ImmutableDictionary<(string Type, string Name), ImmutableArray<string>> _children;

    private VersionedResourceSet(
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, VersionedResource>> byType,
        ImmutableDictionary<(string Type, string Name), ImmutableArray<string>> children)
    {
        ByType = byType;
        _children = children;
    }

    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, VersionedResource>> ByType { get; }

    public ImmutableSortedDictionary<string, VersionedResource> Of(string typeUrl)
        => ByType.TryGetValue(typeUrl, out var resources) ? resources : None;

    /// <summary>The children (endpoints of a cluster, routes of a listener) of one resource.</summary>
    public ImmutableArray<string> ChildrenOf(string typeUrl, string name)
        => _children.TryGetValue((typeUrl, name), out var children) ? children : [];

    /// <summary>This set with one type's resources replaced (packed and versioned); that type must have no children.</summary>
    public VersionedResourceSet WithType(string typeUrl, ImmutableSortedDictionary<string, Google.Protobuf.IMessage> resources)
    {
        var versioned = ImmutableSortedDictionary.CreateBuilder<string, VersionedResource>(StringComparer.Ordinal);
        foreach (var (name, message) in resources)
        {
            var packed = Any.Pack(message);
            versioned[name] = new VersionedResource(name, ResourceVersion.Of(packed.Value), packed);
        }

        return new VersionedResourceSet(ByType.SetItem(typeUrl, versioned.ToImmutable()), _children);
    }

    public static VersionedResourceSet From(EnvoyResourceSet resources)
    {
        var byType = ImmutableSortedDictionary.CreateBuilder<string, ImmutableSortedDictionary<string, VersionedResource>>(StringComparer.Ordinal);
        var children = ImmutableDictionary.CreateBuilder<(string, string), ImmutableArray<string>>();
        foreach (var (typeUrl, named) in resources.ByType)
        {
            var versioned = ImmutableSortedDictionary.CreateBuilder<string, VersionedResource>(StringComparer.Ordinal);
            foreach (var (name, message) in named)
            {
                var packed = Any.Pack(message);
                versioned[name] = new VersionedResource(name, ResourceVersion.Of(packed.Value), packed);
                if (ResourceChildren.Of(typeUrl, name, message) is { Length: > 0 } names)
                {
                    children[(typeUrl, name)] = names;
                }
            }

            byType[typeUrl] = versioned.ToImmutable();
        }

        return new VersionedResourceSet(byType.ToImmutable(), children.ToImmutable());
    }
}
