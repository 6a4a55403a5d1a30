using MessagePack;

namespace Mesh.Fsm.Model.Acl;

/// <summary>
/// <c>structs.ACLToken</c>. The secret is the bearer credential: it must never be logged or returned to a caller
/// without <c>acl:write</c>; <see cref="ToString"/> hides it so that a stray interpolation cannot leak it.
/// Times are Unix milliseconds stamped by the leader (0 = unset).
/// </summary>
[MessagePackObject]
public sealed record AclToken
{
    [Key(0)]
    public string AccessorId { get; init; } = string.Empty;

    [Key(1)]
    public string SecretId { get; init; } = string.Empty;

    [Key(2)]
    public string Description { get; init; } = string.Empty;

    [Key(3)]
    public IReadOnlyList<AclLink> Policies { get; init; } = [];

    [Key(4)]
    public IReadOnlyList<AclLink> Roles { get; init; } = [];

    [Key(5)]
    public IReadOnlyList<AclServiceIdentity> ServiceIdentities { get; init; } = [];

    [Key(6)]
    public IReadOnlyList<AclNodeIdentity> NodeIdentities { get; init; } = [];

    [Key(7)]
    public bool Local { get; init; }

    /// <summary>When the token stops working (0 = never). Fixed at creation.</summary>
    [Key(8)]
    public long ExpirationTimeUnixMilliseconds { get; init; }

    /// <summary>The TTL the token was created with, kept for display (0 = none).</summary>
    [Key(9)]
    public long ExpirationTtlMilliseconds { get; init; }

    [Key(10)]
    public long CreateTimeUnixMilliseconds { get; init; }

    /// <summary>Base64 SHA-256 over the mutable fields, computed by the FSM.</summary>
    [Key(11)]
    public string Hash { get; init; } = string.Empty;

    [Key(12)]
    public long CreateIndex { get; init; }

    [Key(13)]
    public long ModifyIndex { get; init; }

    [Key(14)]
    public IReadOnlyList<AclTemplatedPolicy> TemplatedPolicies { get; init; } = [];

    public bool IsExpiredAt(long unixMilliseconds) => ExpirationTimeUnixMilliseconds > 0 && ExpirationTimeUnixMilliseconds <= unixMilliseconds;

    public override string ToString() => $"AclToken {{ AccessorId = {AccessorId}, Description = {Description}, ModifyIndex = {ModifyIndex} }}";
}
