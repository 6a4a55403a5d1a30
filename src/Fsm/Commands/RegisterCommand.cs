using MessagePack;
using Mesh.Fsm.Model;

namespace Mesh.Fsm.Commands;

/// <summary>Catalog register (<c>structs.RegisterRequest</c>): upserts a node, optionally one service and its checks.</summary>
[MessagePackObject]
public sealed record RegisterCommand : Command
{
    [Key(0)]
    public string Node { get; init; } = string.Empty;

    [Key(1)]
    public string NodeId { get; init; } = string.Empty;

    [Key(2)]
    public string Address { get; init; } = string.Empty;

    [Key(3)]
    public string Datacenter { get; init; } = string.Empty;

    [Key(4)]
    public IReadOnlyDictionary<string, string> TaggedAddresses { get; init; } = EmptyMap.Strings;

    [Key(5)]
    public IReadOnlyDictionary<string, string> NodeMeta { get; init; } = EmptyMap.Strings;

    [Key(6)]
    public NodeService? Service { get; init; }

    [Key(7)]
    public IReadOnlyList<HealthCheck> Checks { get; init; } = [];

    /// <summary>Leave an existing node row as it is (Consul's <c>SkipNodeUpdate</c>).</summary>
    [Key(8)]
    public bool SkipNodeUpdate { get; init; }
}
