namespace Mesh.Fsm.State;

/// <summary>
/// Names of the fine-grained change feeds. A write touches the keys it affects; a blocking query parks on the keys
/// its result depends on, and its X-Consul-Index is the highest index recorded for those keys.
/// </summary>
public static class WatchKeys
{
    /// <summary>Any node row changed (node list queries).</summary>
    public const string Nodes = "nodes";

    /// <summary>Any service row changed (service list queries).</summary>
    public const string Services = "services";

    /// <summary>Any check changed (health state queries).</summary>
    public const string Checks = "checks";

    /// <summary>A node, its services or its checks changed.</summary>
    public static string Node(string name) => "node/" + NameKey.Of(name);

    /// <summary>An instance of the named service, one of its checks or its node changed.</summary>
    public static string Service(string name) => "service/" + NameKey.Of(name);

    /// <summary>A Connect-capable instance for the named destination (a sidecar proxy or a native instance) changed.</summary>
    public static string Connect(string name) => "connect/" + NameKey.Of(name);

    /// <summary>Any config entry of the kind changed.</summary>
    public static string ConfigKind(string kind) => "config/" + kind;

    /// <summary>One config entry changed.</summary>
    public static string ConfigEntry(string kind, string name) => "config/" + kind + "/" + name;

    /// <summary>The CA roots (or the trust domain) changed.</summary>
    public const string CaRoots = "ca/roots";

    /// <summary>The autopilot configuration changed.</summary>
    public const string Autopilot = "operator/autopilot";

    /// <summary>The CA configuration changed.</summary>
    public const string CaConfig = "ca/config";

    /// <summary>A service of the given kind changed (gateway lists).</summary>
    public static string Kind(string kind) => "kind/" + kind;

    /// <summary>Any token, policy, role or the bootstrap state changed (authorizer caches follow this one).</summary>
    public const string Acl = "acl";

    /// <summary>Any token changed (token lists).</summary>
    public const string AclTokens = "acl/tokens";

    /// <summary>Any policy changed (policy lists).</summary>
    public const string AclPolicies = "acl/policies";

    /// <summary>Any role changed (role lists).</summary>
    public const string AclRoles = "acl/roles";

    /// <summary>One token changed, by AccessorID (token reads, and xDS streams watching their own token).</summary>
    public static string AclToken(string accessorId) => "acl/token/" + accessorId;

    /// <summary>One policy changed, by ID.</summary>
    public static string AclPolicy(string id) => "acl/policy/" + id;

    /// <summary>One role changed, by ID.</summary>
    public static string AclRole(string id) => "acl/role/" + id;
}
