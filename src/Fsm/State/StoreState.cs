using System.Collections.Immutable;
using Mesh.Fsm.Model;
using Mesh.Fsm.Model.Acl;

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

    /// <summary>The autopilot configuration, once an operator has set one (until then the agent's settings apply).</summary>
    public AutopilotConfig? Autopilot { get; init; }

    /// <summary>ACL tokens by AccessorID.</summary>
    public ImmutableSortedDictionary<string, AclToken> AclTokens { get; init; } = ImmutableSortedDictionary.Create<string, AclToken>(StringComparer.Ordinal);

    /// <summary>AccessorID by SecretID (one to one).</summary>
    public ImmutableDictionary<string, string> AclTokensBySecret { get; init; } = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>ACL policies by ID.</summary>
    public ImmutableSortedDictionary<string, AclPolicy> AclPolicies { get; init; } = ImmutableSortedDictionary.Create<string, AclPolicy>(StringComparer.Ordinal);

    /// <summary>Policy ID by lower-cased name (names are unique case-insensitively).</summary>
    public ImmutableDictionary<string, string> AclPoliciesByName { get; init; } = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>ACL roles by ID.</summary>
    public ImmutableSortedDictionary<string, AclRole> AclRoles { get; init; } = ImmutableSortedDictionary.Create<string, AclRole>(StringComparer.Ordinal);

    /// <summary>Role ID by lower-cased name.</summary>
    public ImmutableDictionary<string, string> AclRolesByName { get; init; } = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>Null until the first bootstrap.</summary>
    public AclBootstrapState? AclBootstrap { get; init; }

    /// <summary>
    /// The index of the last change to any token, policy, role or the bootstrap state: a compiled authorizer is
    /// valid for exactly one value of this.
    /// </summary>
    public long AclVersion => IndexOf(WatchKeys.Acl);

    public AclToken? FindAclToken(string accessorId) => AclTokens.GetValueOrDefault(accessorId);

    /// <summary>The token a request's secret names, or null. Compares ordinally, like Consul's memdb index.</summary>
    public AclToken? FindAclTokenBySecret(string secretId)
        => AclTokensBySecret.TryGetValue(secretId, out var accessor) ? AclTokens[accessor] : null;

    public AclPolicy? FindAclPolicy(string id) => AclPolicies.GetValueOrDefault(id);

    public AclPolicy? FindAclPolicyByName(string name)
        => AclPoliciesByName.TryGetValue(NameKey.Of(name), out var id) ? AclPolicies[id] : null;

    /// <summary>The current name of a linked policy (links keep the name they were written with), or null when gone.</summary>
    public string? AclPolicyName(string id) => AclPolicies.TryGetValue(id, out var policy) ? policy.Name : null;

    public AclRole? FindAclRole(string id) => AclRoles.GetValueOrDefault(id);

    public AclRole? FindAclRoleByName(string name)
        => AclRolesByName.TryGetValue(NameKey.Of(name), out var id) ? AclRoles[id] : null;

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
