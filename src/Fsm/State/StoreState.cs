using System.Collections.Immutable;
using Mesh.Fsm.Model;

namespace Mesh.Fsm.State;

/// <summary>
/// One immutable version of the whole store. Readers hold a reference and never block the writer, which builds the
/// next version and swaps it in. Every table and secondary index is a persistent (structurally shared) collection.
/// </summary>
public sealed record StoreState
{
    public static StoreState Empty { get; } = new();

    /// <summary>The Raft index of the last applied log entry.</summary>
    public long AppliedIndex { get; init; }

    /// <summary>Nodes by lower-cased name.</summary>
    public ImmutableSortedDictionary<string, Node> Nodes { get; init; } = ImmutableSortedDictionary.Create<string, Node>(StringComparer.Ordinal);

    public ImmutableSortedDictionary<ServiceKey, NodeService> Services { get; init; } = ImmutableSortedDictionary<ServiceKey, NodeService>.Empty;

    public ImmutableSortedDictionary<CheckKey, HealthCheck> Checks { get; init; } = ImmutableSortedDictionary<CheckKey, HealthCheck>.Empty;

    /// <summary>Node keys by lower-cased node ID, so registering a node checks ID ownership without a scan.</summary>
    public SecondaryIndex<string> NodesById { get; init; } = SecondaryIndex<string>.Empty;

    public SecondaryIndex<ServiceKey> ServicesByName { get; init; } = SecondaryIndex<ServiceKey>.Empty;

    public SecondaryIndex<ServiceKey> ServicesByNode { get; init; } = SecondaryIndex<ServiceKey>.Empty;

    public SecondaryIndex<ServiceKey> ServicesByKind { get; init; } = SecondaryIndex<ServiceKey>.Empty;

    /// <summary>Connect-capable instances (sidecars by destination, native services by name).</summary>
    public SecondaryIndex<ServiceKey> ServicesByConnect { get; init; } = SecondaryIndex<ServiceKey>.Empty;

    public SecondaryIndex<CheckKey> ChecksByNode { get; init; } = SecondaryIndex<CheckKey>.Empty;

    /// <summary>Config entries by (kind, name); names are case-sensitive as in Consul.</summary>
    public ImmutableSortedDictionary<ConfigEntryKey, ConfigEntry> ConfigEntries { get; init; } = ImmutableSortedDictionary<ConfigEntryKey, ConfigEntry>.Empty;

    /// <summary>The Connect CA, once the first leader has initialized it.</summary>
    public CaState? Ca { get; init; }

    public ConfigEntry? FindConfigEntry(string kind, string name)
        => ConfigEntries.TryGetValue(new ConfigEntryKey(kind, name), out var entry) ? entry : null;

    public IEnumerable<ConfigEntry> ConfigEntriesOfKind(string kind)
        => ConfigEntries.Where(pair => pair.Key.Kind == kind).Select(pair => pair.Value);

    /// <summary>The Raft index of the last change to each watch key (see <see cref="WatchKeys"/>); never goes backwards.</summary>
    public ImmutableSortedDictionary<string, long> WatchIndexes { get; init; } = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    public long IndexOf(string watchKey) => WatchIndexes.TryGetValue(watchKey, out var index) ? index : 0;

    /// <summary>The highest index among the keys, or among the fallbacks when none of the keys was ever written.</summary>
    public long MaxIndex(IEnumerable<string> keys, params string[] fallback)
    {
        long max = 0;
        foreach (var key in keys)
        {
            max = Math.Max(max, IndexOf(key));
        }

        if (max == 0)
        {
            foreach (var key in fallback)
            {
                max = Math.Max(max, IndexOf(key));
            }
        }

        return max;
    }

    public Node? FindNode(string name) => Nodes.TryGetValue(NameKey.Of(name), out var node) ? node : null;

    public NodeService? FindService(string node, string serviceId)
        => Services.TryGetValue(ServiceKey.For(node, serviceId), out var service) ? service : null;

    public HealthCheck? FindCheck(string node, string checkId)
        => Checks.TryGetValue(CheckKey.For(node, checkId), out var check) ? check : null;

    public IEnumerable<(ServiceKey Key, NodeService Service)> ServicesNamed(string name)
        => ServicesByName.Get(NameKey.Of(name)).Select(key => (key, Services[key]));

    public IEnumerable<(ServiceKey Key, NodeService Service)> ConnectServicesFor(string destination)
        => ServicesByConnect.Get(NameKey.Of(destination)).Select(key => (key, Services[key]));

    public IEnumerable<NodeService> ServicesOnNode(string node)
        => ServicesByNode.Get(NameKey.Of(node)).Select(key => Services[key]);

    public IEnumerable<HealthCheck> ChecksOnNode(string node)
        => ChecksByNode.Get(NameKey.Of(node)).Select(key => Checks[key]);

    /// <summary>Node-level checks plus the checks of one service: what decides that instance's health.</summary>
    public IEnumerable<HealthCheck> ChecksForInstance(string node, string serviceId)
        => ChecksOnNode(node).Where(check => check.ServiceId.Length == 0 || check.ServiceId == serviceId);
}
