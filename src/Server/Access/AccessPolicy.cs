using Mesh.Config.Access;
using Mesh.Fsm.Commands;

namespace Mesh.Server.Access;

/// <summary>
/// The hook every handler calls before it reads or writes. With ACLs disabled every request is allowed
/// (<see cref="AllowAllPolicy"/>); with ACLs on, <see cref="AclAccessPolicy"/> decides from the token's policies.
/// Refusals are Consul's full texts (<c>ACL not found</c>, <c>Permission denied: ...</c>), answered as a 403.
/// </summary>
public interface IAccessPolicy
{
    /// <summary>True when ACLs are enforced (lists are then filtered and the filtered header may be set).</summary>
    bool Enabled => false;

    /// <summary>Returns null when the token resolves (or ACLs are off), else <c>ACL not found</c>.</summary>
    string? Authenticate(RequestToken token) => null;

    /// <summary>Returns null when allowed, or the full refusal text for a 403.</summary>
    string? Check(RequestToken token, AclResource resource, string name, AclAccess access);

    /// <summary>
    /// The check of a write by the command it becomes: at the edge before submitting, and on the leader for a write a
    /// follower forwarded with its request's token (<c>ApplyRequest.Token</c>). Null when allowed, else the refusal.
    /// </summary>
    string? CheckForwarded(RequestToken token, Command command) => null;

    /// <summary>
    /// The token's decisions resolved once, for a request that checks many rows (filtered lists): each answer is a
    /// bool with no refusal text built, so filtering a long list costs one rule lookup per row.
    /// </summary>
    IAccessDecisions DecisionsFor(RequestToken token) => new CheckedDecisions(this, token);
}

/// <summary>Yes/no answers for one request's token.</summary>
public interface IAccessDecisions
{
    bool Allows(AclResource resource, string name, AclAccess access);
}

/// <summary>Answers through <see cref="IAccessPolicy.Check"/> (policies without a faster path).</summary>
internal sealed class CheckedDecisions(IAccessPolicy policy, RequestToken token) : IAccessDecisions
{
    public bool Allows(AclResource resource, string name, AclAccess access) => policy.Check(token, resource, name, access) is null;
}

/// <summary>Every answer is yes (ACLs disabled, or the server's own requests).</summary>
public sealed class AllowAllDecisions : IAccessDecisions
{
    public static AllowAllDecisions Instance { get; } = new();

    public bool Allows(AclResource resource, string name, AclAccess access) => true;
}

/// <summary>ACLs disabled: everything is allowed.</summary>
public sealed class AllowAllPolicy : IAccessPolicy
{
    public static AllowAllPolicy Instance { get; } = new();

    public string? Check(RequestToken token, AclResource resource, string name, AclAccess access) => null;

    public IAccessDecisions DecisionsFor(RequestToken token) => AllowAllDecisions.Instance;
}
