using Mesh.Fsm.Model.Acl;

namespace Mesh.Api.Acl;

/// <summary>Turns stored ACL rows into Consul's response shapes.</summary>
public static class AclViews
{
    public const string HiddenSecret = "<hidden>";

    public static AclTokenView Token(AclToken token, bool showSecret) => new()
    {
        AccessorId = token.AccessorId,
        SecretId = showSecret ? token.SecretId : HiddenSecret,
        Description = token.Description,
        Policies = Links(token.Policies),
        Roles = Links(token.Roles),
        ServiceIdentities = ServiceIdentities(token.ServiceIdentities),
        NodeIdentities = NodeIdentities(token.NodeIdentities),
        TemplatedPolicies = Templates(token.TemplatedPolicies),
        Local = token.Local,
        ExpirationTime = token.ExpirationTimeUnixMilliseconds > 0 ? AclTime.Format(token.ExpirationTimeUnixMilliseconds) : null,
        CreateTime = AclTime.Format(token.CreateTimeUnixMilliseconds),
        Hash = token.Hash,
        CreateIndex = token.CreateIndex,
        ModifyIndex = token.ModifyIndex,
    };

    public static AclPolicyView Policy(AclPolicy policy, bool withRules = true) => new()
    {
        Id = policy.Id,
        Name = policy.Name,
        Description = policy.Description,
        Rules = withRules ? policy.Rules : null,
        Datacenters = policy.Datacenters.Count > 0 ? policy.Datacenters : null,
        Hash = policy.Hash,
        CreateIndex = policy.CreateIndex,
        ModifyIndex = policy.ModifyIndex,
    };

    public static AclRoleView Role(AclRole role) => new()
    {
        Id = role.Id,
        Name = role.Name,
        Description = role.Description,
        Policies = Links(role.Policies),
        ServiceIdentities = ServiceIdentities(role.ServiceIdentities),
        NodeIdentities = NodeIdentities(role.NodeIdentities),
        TemplatedPolicies = Templates(role.TemplatedPolicies),
        Hash = role.Hash,
        CreateIndex = role.CreateIndex,
        ModifyIndex = role.ModifyIndex,
    };

    private static List<AclLinkView>? Links(IReadOnlyList<AclLink> links)
        => links.Count == 0 ? null : [.. links.Select(l => new AclLinkView { Id = l.Id, Name = l.Name })];

    private static List<AclServiceIdentityView>? ServiceIdentities(IReadOnlyList<AclServiceIdentity> identities)
        => identities.Count == 0 ? null : [.. identities.Select(i => new AclServiceIdentityView { ServiceName = i.ServiceName, Datacenters = i.Datacenters.Count > 0 ? i.Datacenters : null })];

    private static List<AclNodeIdentityView>? NodeIdentities(IReadOnlyList<AclNodeIdentity> identities)
        => identities.Count == 0 ? null : [.. identities.Select(i => new AclNodeIdentityView { NodeName = i.NodeName, Datacenter = i.Datacenter })];

    private static List<AclTemplatedPolicyView>? Templates(IReadOnlyList<AclTemplatedPolicy> templates)
        => templates.Count == 0 ? null : [.. templates.Select(t => new AclTemplatedPolicyView
        {
            TemplateName = t.TemplateName,
            TemplateVariables = t.Name.Length > 0 ? new AclTemplateVariablesView { Name = t.Name } : null,
            Datacenters = t.Datacenters.Count > 0 ? t.Datacenters : null,
        })];
}
