namespace Mesh.Api.Http;

/// <summary>Consul ACL resource kinds that requests are checked against.</summary>
public enum AclResource
{
    Node,
    Service,
    Operator,
    Agent,
    Intention,
    Mesh,
}

/// <summary>Read or write access.</summary>
public enum AclAccess
{
    Read,
    Write,
}

/// <summary>
/// The hook every handler calls before it reads or writes. ACL rules plug in here; until they exist every request
/// is allowed (Consul with ACLs disabled).
/// </summary>
public interface IAccessPolicy
{
    /// <summary>Returns null when allowed, or the reason for a 403.</summary>
    string? Check(RequestToken token, AclResource resource, string name, AclAccess access);
}

/// <summary>ACLs disabled: everything is allowed.</summary>
public sealed class AllowAllPolicy : IAccessPolicy
{
    public static AllowAllPolicy Instance { get; } = new();

    public string? Check(RequestToken token, AclResource resource, string name, AclAccess access) => null;
}
