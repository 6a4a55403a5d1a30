using System.Collections.Immutable;
using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// What one proxyless client key may see of one store version: every typical service its token may read (by
/// lower-cased name, as the catalog matches names), whether intentions let its source service dial each, and each
/// one's healthy endpoints. Immutable; built by <see cref="ProxylessSnapshotBuilder"/> and shared by every stream of the key.
/// </summary>
public sealed class ProxylessSnapshot
{
    internal ProxylessSnapshot(
        long storeIndex,
        string datacenter,
        string? sourceService,
        ImmutableSortedDictionary<string, ProxylessService> services,
        ImmutableDictionary<string, long> serviceIndexes)
    {
        StoreIndex = storeIndex;
        Datacenter = datacenter;
        SourceService = sourceService;
        Services = services;
        ServiceIndexes = serviceIndexes;
    }

    /// <summary>
    /// Per type, the properties <see cref="Same"/> compares and (after them) those it deliberately ignores; a test fails
    /// when one of these types gains a property that is in neither list.
    /// </summary>
    internal static IReadOnlyDictionary<Type, (string[] Compared, string[] Ignored)> Compared { get; } = new Dictionary<Type, (string[], string[])>
    {
        [typeof(ProxylessSnapshot)] = (
            [nameof(Datacenter), nameof(SourceService), nameof(Services)],

            // The index only says which store version it came from (the internal ServiceIndexes only memoize endpoints).
            [nameof(StoreIndex)]),
        [typeof(ProxylessService)] = ([nameof(ProxylessService.Name), nameof(ProxylessService.MayDial), nameof(ProxylessService.Endpoints)], []),
        [typeof(ProxylessEndpoint)] = ([nameof(ProxylessEndpoint.Address), nameof(ProxylessEndpoint.Port), nameof(ProxylessEndpoint.Weight)], []),
    };

    /// <summary>The store index it was built from (logs and diagnostics).</summary>
    public long StoreIndex { get; }

    /// <summary>The serving server's datacenter (the endpoints' locality).</summary>
    public string Datacenter { get; }

    /// <summary>The service the client speaks for (declared, or a node.id that is a registered service's name); null: anonymous.</summary>
    public string? SourceService { get; }

    /// <summary>The services the client may see, by lower-cased name.</summary>
    public ImmutableSortedDictionary<string, ProxylessService> Services { get; }

    /// <summary>The store index of each service's watch key when its endpoints were computed, so the next build reuses them.</summary>
    internal ImmutableDictionary<string, long> ServiceIndexes { get; }

    /// <summary>The visible service of this name (matched as the catalog matches names), or null.</summary>
    public ProxylessService? Find(string name) => Services.GetValueOrDefault(NameKey.Of(name));

    /// <summary>Every visible service's name (as first spelled in the catalog), in ordinal order.</summary>
    public IReadOnlyList<string> ServiceNames() => [.. Services.Values.Select(service => service.Name).Order(StringComparer.Ordinal)];

    /// <summary>Whether two snapshots would give a client the same resources.</summary>
    public static bool Same(ProxylessSnapshot? left, ProxylessSnapshot right)
    {
        ArgumentNullException.ThrowIfNull(right);
        if (left is null)
        {
            return false;
        }

        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left.Datacenter != right.Datacenter || left.SourceService != right.SourceService || left.Services.Count != right.Services.Count)
        {
            return false;
        }

        foreach (var (name, service) in left.Services)
        {
            if (!right.Services.TryGetValue(name, out var other) || !service.Equals(other))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>One service a proxyless client may see: its name, whether intentions let the client dial it, its endpoints.</summary>
public sealed record ProxylessService(string Name, bool MayDial, ImmutableArray<ProxylessEndpoint> Endpoints)
{
    public bool Equals(ProxylessService? other)
        => other is not null && Name == other.Name && MayDial == other.MayDial && Endpoints.AsSpan().SequenceEqual(other.Endpoints.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Name, MayDial, Endpoints.Length);
}

/// <summary>One instance a proxyless client may dial (healthy: passing or warning): an IP address, a port and its weight.</summary>
public sealed record ProxylessEndpoint(string Address, int Port, int Weight);
