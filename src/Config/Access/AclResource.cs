namespace Mesh.Config.Access;

/// <summary>Consul ACL resource kinds that requests are checked against (a config entry kind names the one governing it).</summary>
public enum AclResource
{
    Node,
    Service,
    Operator,
    Agent,
    Intention,
    Mesh,

    /// <summary>The ACL system itself (<c>acl = "read"|"write"</c>); snapshots need write.</summary>
    Acl,
}

/// <summary>Read or write access.</summary>
public enum AclAccess
{
    Read,
    Write,
}
