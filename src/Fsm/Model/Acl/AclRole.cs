using MessagePack;

namespace Mesh.Fsm.Model.Acl;

/// <summary><c>structs.ACLRole</c>: a named set of policies and identities that tokens link to.</summary>
[MessagePackObject]
public sealed record AclRole
{
    [Key(0)]
    public string Id { get; init; } = string.Empty;

    [Key(1)]
    public string Name { get; init; } = string.Empty;

    [Key(2)]
    public string Description { get; init; } = string.Empty;

    [Key(3)]
    public IReadOnlyList<AclLink> Policies { get; init; } = [];

    [Key(4)]
    public IReadOnlyList<AclServiceIdentity> ServiceIdentities { get; init; } = [];

    [Key(5)]
    public IReadOnlyList<AclNodeIdentity> NodeIdentities { get; init; } = [];

    /// <summary>Base64 SHA-256 over the mutable fields, computed by the FSM.</summary>
    [Key(6)]
    public string Hash { get; init; } = string.Empty;

    [Key(7)]
    public long CreateIndex { get; init; }

    [Key(8)]
    public long ModifyIndex { get; init; }

    [Key(9)]
    public IReadOnlyList<AclTemplatedPolicy> TemplatedPolicies { get; init; } = [];
}
