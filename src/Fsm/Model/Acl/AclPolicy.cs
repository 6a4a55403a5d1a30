using MessagePack;

namespace Mesh.Fsm.Model.Acl;

/// <summary><c>structs.ACLPolicy</c>. <see cref="Rules"/> is the HCL or JSON text as written; Mesh.Acl parses it.</summary>
[MessagePackObject]
public sealed record AclPolicy
{
    [Key(0)]
    public string Id { get; init; } = string.Empty;

    [Key(1)]
    public string Name { get; init; } = string.Empty;

    [Key(2)]
    public string Description { get; init; } = string.Empty;

    [Key(3)]
    public string Rules { get; init; } = string.Empty;

    /// <summary>Datacenters where the policy applies; empty means all.</summary>
    [Key(4)]
    public IReadOnlyList<string> Datacenters { get; init; } = [];

    /// <summary>Base64 SHA-256 over the mutable fields, computed by the FSM.</summary>
    [Key(5)]
    public string Hash { get; init; } = string.Empty;

    [Key(6)]
    public long CreateIndex { get; init; }

    [Key(7)]
    public long ModifyIndex { get; init; }
}
