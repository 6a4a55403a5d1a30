using System.Diagnostics.CodeAnalysis;
using Mesh.Acl.Rules;

namespace Mesh.Acl.Authorization;

/// <summary>
/// A permission an operation needs: resource, level and (for named resources) the name, e.g. <c>service:write</c> on
/// "web". <see cref="ToString"/> gives Consul's "service:write" spelling.
/// </summary>
[SuppressMessage("Naming", "CA1711", Justification = "A permission is what it is; Consul calls it that in every message.")]
public readonly record struct Permission(AclResource Resource, AccessLevel Level, string? Name = null)
{
    public static Permission ServiceRead(string name) => new(AclResource.Service, AccessLevel.Read, name);

    public static Permission ServiceWrite(string name) => new(AclResource.Service, AccessLevel.Write, name);

    public static Permission IntentionRead(string destination) => new(AclResource.Intention, AccessLevel.Read, destination);

    public static Permission IntentionWrite(string destination) => new(AclResource.Intention, AccessLevel.Write, destination);

    public static Permission NodeRead(string name) => new(AclResource.Node, AccessLevel.Read, name);

    public static Permission NodeWrite(string name) => new(AclResource.Node, AccessLevel.Write, name);

    public static Permission AgentRead(string node) => new(AclResource.Agent, AccessLevel.Read, node);

    public static Permission AgentWrite(string node) => new(AclResource.Agent, AccessLevel.Write, node);

    public static Permission KeyRead(string key) => new(AclResource.Key, AccessLevel.Read, key);

    public static Permission KeyList(string prefix) => new(AclResource.Key, AccessLevel.List, prefix);

    public static Permission KeyWrite(string key) => new(AclResource.Key, AccessLevel.Write, key);

    public static Permission SessionRead(string node) => new(AclResource.Session, AccessLevel.Read, node);

    public static Permission SessionWrite(string node) => new(AclResource.Session, AccessLevel.Write, node);

    public static Permission EventRead(string name) => new(AclResource.Event, AccessLevel.Read, name);

    public static Permission EventWrite(string name) => new(AclResource.Event, AccessLevel.Write, name);

    public static Permission QueryRead(string name) => new(AclResource.Query, AccessLevel.Read, name);

    public static Permission QueryWrite(string name) => new(AclResource.Query, AccessLevel.Write, name);

    public static Permission AclRead { get; } = new(AclResource.Acl, AccessLevel.Read);

    public static Permission AclWrite { get; } = new(AclResource.Acl, AccessLevel.Write);

    public static Permission OperatorRead { get; } = new(AclResource.Operator, AccessLevel.Read);

    public static Permission OperatorWrite { get; } = new(AclResource.Operator, AccessLevel.Write);

    public static Permission MeshRead { get; } = new(AclResource.Mesh, AccessLevel.Read);

    public static Permission MeshWrite { get; } = new(AclResource.Mesh, AccessLevel.Write);

    public static Permission PeeringRead { get; } = new(AclResource.Peering, AccessLevel.Read);

    public static Permission PeeringWrite { get; } = new(AclResource.Peering, AccessLevel.Write);

    public static Permission KeyringRead { get; } = new(AclResource.Keyring, AccessLevel.Read);

    public static Permission KeyringWrite { get; } = new(AclResource.Keyring, AccessLevel.Write);

    public override string ToString() => $"{Resource.Name()}:{Level.Name()}";
}
