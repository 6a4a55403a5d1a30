using System.Collections.Immutable;
using System.Security.Cryptography;
using MessagePack;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Fsm.State;

/// <summary>
/// Serializes the whole store canonically (rows in key order, maps sorted at the API boundary) for Raft snapshots,
/// operator snapshots and the state digest. Secondary indexes are rebuilt on restore rather than stored.
/// </summary>
public static class StoreSnapshotCodec
{
    /// <summary>
    /// 2 added the ACL tables, 3 the autopilot configuration; older formats still read (without those), and older
    /// builds refuse a newer format rather than drop what they do not know.
    /// </summary>
    public const int CurrentFormat = 3;

    public static void Write(StoreState state, Stream destination)
        => MessagePackSerializer.Serialize(destination, ToData(state), LogCodec.Options);

    public static byte[] Serialize(StoreState state) => MessagePackSerializer.Serialize(ToData(state), LogCodec.Options);

    public static StoreState Read(ReadOnlyMemory<byte> bytes)
        => FromData(MessagePackSerializer.Deserialize<StoreSnapshotData>(bytes, LogCodec.Options));

    public static async ValueTask<StoreState> ReadAsync(Stream source, CancellationToken cancellationToken)
        => FromData(await MessagePackSerializer.DeserializeAsync<StoreSnapshotData>(source, LogCodec.Options, cancellationToken).ConfigureAwait(false));

    /// <summary>SHA-256 of the canonical encoding, in lower-case hex: equal digests mean equal stores.</summary>
    public static string Digest(StoreState state) => DigestOf(Serialize(state));

    /// <summary>
    /// SHA-256 of the rows alone (nodes, services, checks with their indexes), leaving out the applied index and the
    /// watch indexes: equal for a cluster and another one restored from its snapshot.
    /// </summary>
    public static string ContentDigest(StoreState state)
    {
        var data = ToData(state) with { AppliedIndex = 0, WatchIndexes = [] };
        return DigestOf(MessagePackSerializer.Serialize(data, LogCodec.Options));
    }

    /// <summary>The digest of an already serialized store.</summary>
    public static string DigestOf(ReadOnlySpan<byte> serialized) => Convert.ToHexStringLower(SHA256.HashData(serialized));

    /// <summary>Row counts per table, for snapshot inspection.</summary>
    public static IReadOnlyDictionary<string, int> Counts(StoreState state) => new SortedDictionary<string, int>(StringComparer.Ordinal)
    {
        ["nodes"] = state.Nodes.Count,
        ["services"] = state.Services.Count,
        ["checks"] = state.Checks.Count,
        ["config-entries"] = state.ConfigEntries.Count,
        ["ca-roots"] = state.Ca?.Roots.Count ?? 0,
        ["acl-tokens"] = state.AclTokens.Count,
        ["acl-policies"] = state.AclPolicies.Count,
        ["acl-roles"] = state.AclRoles.Count,
    };

    private static StoreSnapshotData ToData(StoreState state) => new()
    {
        Format = CurrentFormat,
        AppliedIndex = state.AppliedIndex,
        Nodes = [.. state.Nodes.Values],
        Services = [.. state.Services.Select(pair => new ServiceEntry { Node = state.Nodes[pair.Key.Node].Name, Service = pair.Value })],
        Checks = [.. state.Checks.Values],
        WatchIndexes = [.. state.WatchIndexes.Select(pair => new WatchIndexEntry { Key = pair.Key, Index = pair.Value })],
        ConfigEntries = [.. state.ConfigEntries.Values],
        Ca = state.Ca,
        AclTokens = [.. state.AclTokens.Values],
        AclPolicies = [.. state.AclPolicies.Values],
        AclRoles = [.. state.AclRoles.Values],
        AclBootstrap = state.AclBootstrap,
        Autopilot = state.Autopilot,
    };

    private static StoreState FromData(StoreSnapshotData? data)
    {
        // Every snapshot this codec writes carries a format number; nil or an empty array must not read as an empty store.
        if (data is null || data.Format < 1)
        {
            throw new InvalidDataException("not a state snapshot: it has no format number");
        }

        if (data.Format > CurrentFormat)
        {
            throw new InvalidDataException($"state snapshot format {data.Format} is newer than this build understands ({CurrentFormat})");
        }

        // Rebuild the secondary indexes from the rows in one pass each: the same indexes live writes maintain.
        var state = StoreState.Empty;
        var nodes = state.Nodes.ToBuilder();
        foreach (var node in data.Nodes)
        {
            nodes[NameKey.Of(node.Name)] = node;
        }

        var services = state.Services.ToBuilder();
        foreach (var entry in data.Services)
        {
            if (!nodes.ContainsKey(NameKey.Of(entry.Node)))
            {
                throw new InvalidDataException($"state snapshot has service \"{entry.Service.Id}\" on unknown node \"{entry.Node}\"");
            }

            services[ServiceKey.For(entry.Node, entry.Service.Id)] = entry.Service;
        }

        var checks = state.Checks.ToBuilder();
        foreach (var check in data.Checks)
        {
            checks[CheckKey.For(check.Node, check.CheckId)] = check;
        }

        var watchIndexes = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var entry in data.WatchIndexes)
        {
            watchIndexes[entry.Key] = entry.Index;
        }

        var configEntries = ImmutableSortedDictionary.CreateBuilder<ConfigEntryKey, ConfigEntry>();
        foreach (var entry in data.ConfigEntries)
        {
            configEntries[new ConfigEntryKey(entry.Kind, entry.Name)] = entry;
        }

        var acl = ReadAcl(data);
        return acl with
        {
            AppliedIndex = data.AppliedIndex,
            Nodes = nodes.ToImmutable(),
            NodesById = SecondaryIndex<string>.Build(nodes.Where(p => p.Value.Id.Length > 0).Select(p => (NameKey.Of(p.Value.Id), p.Key))),
            Services = services.ToImmutable(),
            ServicesByName = SecondaryIndex<ServiceKey>.Build(services.Select(p => (NameKey.Of(p.Value.Service), p.Key))),
            ServicesByNode = SecondaryIndex<ServiceKey>.Build(services.Select(p => (p.Key.Node, p.Key))),
            ServicesByKind = SecondaryIndex<ServiceKey>.Build(services.Select(p => (p.Value.Kind, p.Key))),
            ServicesByConnect = SecondaryIndex<ServiceKey>.Build(services
                .Where(p => p.Value.ConnectDestination is not null)
                .Select(p => (NameKey.Of(p.Value.ConnectDestination!), p.Key))),
            Checks = checks.ToImmutable(),
            ChecksByNode = SecondaryIndex<CheckKey>.Build(checks.Select(p => (p.Key.Node, p.Key))),
            ConfigEntries = configEntries.ToImmutable(),
            Ca = data.Ca,
            Autopilot = data.Autopilot,
            WatchIndexes = watchIndexes.ToImmutable(),
        };
    }

    /// <summary>The ACL tables and their name/secret indexes, refusing duplicates a valid store cannot hold.</summary>
    private static StoreState ReadAcl(StoreSnapshotData data)
    {
        var tokens = ImmutableSortedDictionary.CreateBuilder<string, AclToken>(StringComparer.Ordinal);
        var bySecret = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var token in data.AclTokens)
        {
            if (!tokens.TryAdd(token.AccessorId, token) || !bySecret.TryAdd(token.SecretId, token.AccessorId))
            {
                throw new InvalidDataException($"state snapshot has a duplicate ACL token (accessor {token.AccessorId})");
            }
        }

        var policies = ImmutableSortedDictionary.CreateBuilder<string, AclPolicy>(StringComparer.Ordinal);
        var policiesByName = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var policy in data.AclPolicies)
        {
            if (!policies.TryAdd(policy.Id, policy) || !policiesByName.TryAdd(NameKey.Of(policy.Name), policy.Id))
            {
                throw new InvalidDataException($"state snapshot has a duplicate ACL policy \"{policy.Name}\"");
            }
        }

        var roles = ImmutableSortedDictionary.CreateBuilder<string, AclRole>(StringComparer.Ordinal);
        var rolesByName = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var role in data.AclRoles)
        {
            if (!roles.TryAdd(role.Id, role) || !rolesByName.TryAdd(NameKey.Of(role.Name), role.Id))
            {
                throw new InvalidDataException($"state snapshot has a duplicate ACL role \"{role.Name}\"");
            }
        }

        return StoreState.Empty with
        {
            AclTokens = tokens.ToImmutable(),
            AclTokensBySecret = bySecret.ToImmutable(),
            AclPolicies = policies.ToImmutable(),
            AclPoliciesByName = policiesByName.ToImmutable(),
            AclRoles = roles.ToImmutable(),
            AclRolesByName = rolesByName.ToImmutable(),
            AclBootstrap = data.AclBootstrap,
        };
    }
}

[MessagePackObject]
public sealed record StoreSnapshotData
{
    [Key(0)]
    public int Format { get; init; }

    [Key(1)]
    public long AppliedIndex { get; init; }

    [Key(2)]
    public IReadOnlyList<Node> Nodes { get; init; } = [];

    [Key(3)]
    public IReadOnlyList<ServiceEntry> Services { get; init; } = [];

    [Key(4)]
    public IReadOnlyList<HealthCheck> Checks { get; init; } = [];

    [Key(5)]
    public IReadOnlyList<WatchIndexEntry> WatchIndexes { get; init; } = [];

    [Key(6)]
    public IReadOnlyList<ConfigEntry> ConfigEntries { get; init; } = [];

    [Key(7)]
    public CaState? Ca { get; init; }

    [Key(8)]
    public IReadOnlyList<AclToken> AclTokens { get; init; } = [];

    [Key(9)]
    public IReadOnlyList<AclPolicy> AclPolicies { get; init; } = [];

    [Key(10)]
    public IReadOnlyList<AclRole> AclRoles { get; init; } = [];

    [Key(11)]
    public AclBootstrapState? AclBootstrap { get; init; }

    [Key(12)]
    public AutopilotConfig? Autopilot { get; init; }
}

[MessagePackObject]
public sealed record ServiceEntry
{
    [Key(0)]
    public string Node { get; init; } = string.Empty;

    [Key(1)]
    public required NodeService Service { get; init; }
}

[MessagePackObject]
public sealed record WatchIndexEntry
{
    [Key(0)]
    public string Key { get; init; } = string.Empty;

    [Key(1)]
    public long Index { get; init; }
}
