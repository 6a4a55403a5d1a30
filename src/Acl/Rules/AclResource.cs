namespace Mesh.Acl.Rules;

/// <summary>What a rule governs. <see cref="Intention"/> has no block of its own: service rules carry it.</summary>
public enum AclResource : byte
{
    Acl,
    Agent,
    Event,
    Intention,
    Key,
    Keyring,
    Mesh,
    Node,
    Operator,
    Peering,
    Query,
    Service,
    Session,
    Identity,
}

public static class AclResources
{
    public const int Count = (int)AclResource.Identity + 1;

    /// <summary>Consul's resource name in permission messages (<c>acl/errors.go</c>): "service", "intention", "query", ...</summary>
    public static string Name(this AclResource resource) => resource switch
    {
        AclResource.Acl => "acl",
        AclResource.Agent => "agent",
        AclResource.Event => "event",
        AclResource.Intention => "intention",
        AclResource.Key => "key",
        AclResource.Keyring => "keyring",
        AclResource.Mesh => "mesh",
        AclResource.Node => "node",
        AclResource.Operator => "operator",
        AclResource.Peering => "peering",
        AclResource.Query => "query",
        AclResource.Service => "service",
        AclResource.Session => "session",
        AclResource.Identity => "identity",
        _ => resource.ToString().ToLowerInvariant(),
    };

    /// <summary>Resources without a name (<c>acl = "write"</c>); the others take a label and have a <c>_prefix</c> form.</summary>
    public static bool IsScalar(this AclResource resource)
        => resource is AclResource.Acl or AclResource.Keyring or AclResource.Mesh or AclResource.Operator or AclResource.Peering;
}
