using MessagePack;

namespace Mesh.Fsm.Model.Acl;

/// <summary>
/// A link from a token or role to a policy or role. Resolved by ID; the FSM fills <see cref="Name"/> with the current
/// name on every write and rewrites the links when a policy or role is renamed.
/// </summary>
[MessagePackObject]
public sealed record AclLink
{
    [Key(0)]
    public string Id { get; init; } = string.Empty;

    [Key(1)]
    public string Name { get; init; } = string.Empty;
}

/// <summary><c>structs.ACLServiceIdentity</c>: expands to <c>service:write</c> on the name and its sidecar plus catalog reads.</summary>
[MessagePackObject]
public sealed record AclServiceIdentity
{
    [Key(0)]
    public string ServiceName { get; init; } = string.Empty;

    /// <summary>Where the identity applies; empty means every datacenter.</summary>
    [Key(1)]
    public IReadOnlyList<string> Datacenters { get; init; } = [];
}

/// <summary><c>structs.ACLNodeIdentity</c>: expands to <c>node:write</c> on the name and <c>service_prefix "" read</c> in one datacenter.</summary>
[MessagePackObject]
public sealed record AclNodeIdentity
{
    [Key(0)]
    public string NodeName { get; init; } = string.Empty;

    [Key(1)]
    public string Datacenter { get; init; } = string.Empty;
}

/// <summary>
/// <c>structs.ACLTemplatedPolicy</c> (1.17+): a built-in template such as <c>builtin/service</c> with its
/// <c>name</c> variable; expands like the matching identity.
/// </summary>
[MessagePackObject]
public sealed record AclTemplatedPolicy
{
    public const string Service = "builtin/service";

    public const string Node = "builtin/node";

    public const string Dns = "builtin/dns";

    [Key(0)]
    public string TemplateName { get; init; } = string.Empty;

    /// <summary>The template's <c>name</c> variable (empty for templates without one, such as builtin/dns).</summary>
    [Key(1)]
    public string Name { get; init; } = string.Empty;

    [Key(2)]
    public IReadOnlyList<string> Datacenters { get; init; } = [];

    public static bool IsKnown(string templateName) => templateName is Service or Node or Dns;

    public static bool NeedsName(string templateName) => templateName is Service or Node;
}
