using System.Collections.Immutable;

namespace Mesh.Ca.Leaves;

/// <summary>
/// What a leaf is asked for (Consul's <c>ConnectCALeafRequest</c>): the service and the DNS names it must also carry
/// (an ingress gateway's hosts and wildcards; none for everything else). The names are kept sorted and without
/// duplicates, so two requests for the same set are the same leaf whatever order they were given in.
/// </summary>
public sealed class LeafRequest : IEquatable<LeafRequest>
{
    public LeafRequest(string service, IEnumerable<string>? dnsSans = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        Service = service;
        DnsSans = dnsSans is null ? [] : [.. dnsSans.Where(name => name.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Key = DnsSans.IsEmpty ? service : service + "\n" + string.Join('\n', DnsSans);
    }

    public string Service { get; }

    /// <summary>Sorted, distinct, never empty strings.</summary>
    public ImmutableArray<string> DnsSans { get; }

    /// <summary>The leaf cache's key: the service alone when there are no DNS names (a service name has no newline).</summary>
    public string Key { get; }

    public bool Equals(LeafRequest? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as LeafRequest);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    public override string ToString() => DnsSans.IsEmpty ? Service : $"{Service} (DNS SANs {string.Join(", ", DnsSans)})";
}
