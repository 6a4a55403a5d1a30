using Mesh.Acl.Authorization;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Acl.Resolution;

/// <summary>
/// What a secret resolves to: the token and its compiled authorizer, or not found (unknown or expired secret:
/// Consul's 403 "ACL not found", gRPC Unauthenticated).
/// </summary>
public sealed record TokenResolution
{
    public static TokenResolution NotFound { get; } = new();

    /// <summary>The stored token; null when not found, or for the anonymous token before the leader created it.</summary>
    public AclToken? Token { get; init; }

    public Authorizer? Authorizer { get; init; }

    /// <summary>IDs of linked policies whose stored rules did not parse and so granted nothing (the edge should log them).</summary>
    public IReadOnlyList<string> UnreadablePolicyIds { get; init; } = [];

    public bool Found => Authorizer is not null;
}
