using Mesh.Config.Access;
using Mesh.Fsm.Commands;

namespace Mesh.Server.Access;

/// <summary>
/// The hook every handler calls before it reads or writes. ACL rules plug in here; until they exist every request
/// is allowed (Consul with ACLs disabled).
/// </summary>
public interface IAccessPolicy
{
    /// <summary>Returns null when allowed, or the reason for a 403.</summary>
    string? Check(RequestToken token, AclResource resource, string name, AclAccess access);

    /// <summary>
    /// The leader's check of a write a follower forwarded with its request's token (<c>ApplyRequest.Token</c>);
    /// returns null when allowed, or the reason it is refused. ACL rules per command plug in here.
    /// </summary>
    string? CheckForwarded(RequestToken token, Command command) => null;
}

/// <summary>ACLs disabled: everything is allowed.</summary>
public sealed class AllowAllPolicy : IAccessPolicy
{
    public static AllowAllPolicy Instance { get; } = new();

    public string? Check(RequestToken token, AclResource resource, string name, AclAccess access) => null;
}
