namespace Mesh.EnvoyResources.Proxyless;

/// <summary>The names a client asked for of one resource type, or all of them (wildcard), or both.</summary>
public sealed record ResourceSubscription(bool Wildcard, IReadOnlySet<string> Names)
{
    public static ResourceSubscription None { get; } = new(false, new HashSet<string>(StringComparer.Ordinal));

    public bool SameAs(ResourceSubscription other) => Wildcard == other.Wildcard && Names.SetEquals(other.Names);
}
