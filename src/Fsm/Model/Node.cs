using System.Text.Json.Serialization;
using MessagePack;

namespace Mesh.Fsm.Model;

/// <summary>A catalog node (Consul's <c>structs.Node</c>). Rows carry the Raft indexes that created and last changed them.</summary>
[MessagePackObject]
public sealed record Node
{
    [Key(0)]
    [JsonPropertyName("ID")]
    public string Id { get; init; } = string.Empty;

    [Key(1)]
    [JsonPropertyName("Node")]
    public string Name { get; init; } = string.Empty;

    [Key(2)]
    public string Address { get; init; } = string.Empty;

    [Key(3)]
    public string Datacenter { get; init; } = string.Empty;

    [Key(4)]
    public IReadOnlyDictionary<string, string> TaggedAddresses { get; init; } = EmptyMap.Strings;

    [Key(5)]
    public IReadOnlyDictionary<string, string> Meta { get; init; } = EmptyMap.Strings;

    [Key(6)]
    public long CreateIndex { get; init; }

    [Key(7)]
    public long ModifyIndex { get; init; }

}
