using MessagePack;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Fsm.Commands;

/// <summary>
/// Creates or replaces a token by AccessorID. The edge resolves policy/role names to IDs and the leader stamps
/// <see cref="AclToken.CreateTimeUnixMilliseconds"/> and any expiration; the FSM checks links, secret shape and
/// uniqueness, keeps CreateIndex/CreateTime on update and computes the hash.
/// </summary>
[MessagePackObject]
public sealed record AclTokenSetCommand : Command
{
    [Key(0)]
    public required AclToken Token { get; init; }

    /// <summary>When set, the update only applies if the token's ModifyIndex still equals this (compare-and-set).</summary>
    [Key(1)]
    public long ExpectedModifyIndex { get; init; }
}

/// <summary>Deletes a token by AccessorID. The anonymous token cannot be deleted.</summary>
[MessagePackObject]
public sealed record AclTokenDeleteCommand : Command
{
    [Key(0)]
    public string AccessorId { get; init; } = string.Empty;
}

/// <summary>
/// Deletes every token whose expiration time is at or before <see cref="NowUnixMilliseconds"/>, the leader's clock
/// when it decided to reap. The result's <c>Value</c> is the number of tokens removed.
/// </summary>
[MessagePackObject]
public sealed record AclTokensExpireCommand : Command
{
    [Key(0)]
    public long NowUnixMilliseconds { get; init; }
}

/// <summary>Creates or replaces a policy by ID; names are unique (case-insensitively) and built-in rules are fixed.</summary>
[MessagePackObject]
public sealed record AclPolicySetCommand : Command
{
    [Key(0)]
    public required AclPolicy Policy { get; init; }
}

/// <summary>Deletes a policy by ID (refused for the built-ins); links to it from tokens and roles are removed, as Consul drops them.</summary>
[MessagePackObject]
public sealed record AclPolicyDeleteCommand : Command
{
    [Key(0)]
    public string PolicyId { get; init; } = string.Empty;
}

/// <summary>Creates or replaces a role by ID; names are unique (case-insensitively) and linked policies must exist.</summary>
[MessagePackObject]
public sealed record AclRoleSetCommand : Command
{
    [Key(0)]
    public required AclRole Role { get; init; }
}

/// <summary>Deletes a role by ID; links to it from tokens are removed.</summary>
[MessagePackObject]
public sealed record AclRoleDeleteCommand : Command
{
    [Key(0)]
    public string RoleId { get; init; } = string.Empty;
}

/// <summary>
/// <c>PUT /v1/acl/bootstrap</c> or the initial management token: stores the management token (creating the
/// global-management policy if missing) and records the bootstrap index. Allowed once, or again when
/// <see cref="ResetIndex"/> equals the recorded bootstrap index (Consul's reset file). A refusal has
/// <see cref="ApplyErrorKind.Conflict"/> and the reset index in the result's <c>Value</c>.
/// </summary>
[MessagePackObject]
public sealed record AclBootstrapCommand : Command
{
    [Key(0)]
    public required AclToken Token { get; init; }

    [Key(1)]
    public long ResetIndex { get; init; }
}
