using Mesh.Acl.Rules;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Acl.Authorization;

/// <summary>
/// The policies Consul synthesizes for identities and templated policies (<c>agent/structs/acl.go</c>
/// <c>SyntheticPolicy</c>, <c>acltemplatedpolicy/policytemplates</c>). Expressed as parsed rules, not text.
/// </summary>
public static class SyntheticPolicies
{
    /// <summary>
    /// A service identity: <c>service "NAME" write</c>, <c>service "NAME-sidecar-proxy" write</c>,
    /// <c>service_prefix "" read</c>, <c>node_prefix "" read</c> (so its sidecar can discover upstreams).
    /// </summary>
    public static PolicyRules ForService(string name) => new(
    [
        new ResourceRule(AclResource.Service, name, false, AccessLevel.Write),
        new ResourceRule(AclResource.Service, name + "-sidecar-proxy", false, AccessLevel.Write),
        new ResourceRule(AclResource.Service, string.Empty, true, AccessLevel.Read),
        new ResourceRule(AclResource.Node, string.Empty, true, AccessLevel.Read),
    ]);

    /// <summary>A node identity: <c>node "NAME" write</c> and <c>service_prefix "" read</c>.</summary>
    public static PolicyRules ForNode(string name) => new(
    [
        new ResourceRule(AclResource.Node, name, false, AccessLevel.Write),
        new ResourceRule(AclResource.Service, string.Empty, true, AccessLevel.Read),
    ]);

    /// <summary><c>builtin/dns</c>: read on every node, service and prepared query.</summary>
    public static PolicyRules ForDns() => new(
    [
        new ResourceRule(AclResource.Node, string.Empty, true, AccessLevel.Read),
        new ResourceRule(AclResource.Service, string.Empty, true, AccessLevel.Read),
        new ResourceRule(AclResource.Query, string.Empty, true, AccessLevel.Read),
    ]);

    public static PolicyRules? ForTemplate(AclTemplatedPolicy template) => template.TemplateName switch
    {
        AclTemplatedPolicy.Service => ForService(template.Name),
        AclTemplatedPolicy.Node => ForNode(template.Name),
        AclTemplatedPolicy.Dns => ForDns(),
        _ => null,
    };
}
