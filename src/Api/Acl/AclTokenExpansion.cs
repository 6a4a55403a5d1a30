using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;

namespace Mesh.Api.Acl;

/// <summary>
/// <c>?expanded</c> on a token read: the policies the token resolves to (direct links, then its roles' policies, each
/// once), its roles, and the synthetic policies of the token's and its roles' service identities, node identities and
/// templated policies, as Consul's <c>lookupExpandedTokenInfo</c> lists them.
/// </summary>
public static class AclTokenExpansion
{
    public static AclTokenExpandedView Expand(AclToken token, StoreState state, bool showSecret, AclConfig config, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        var roles = token.Roles.Select(link => state.FindAclRole(link.Id)).OfType<AclRole>().ToList();
        var policies = token.Policies.Select(link => link.Id)
            .Concat(roles.SelectMany(role => role.Policies.Select(link => link.Id)))
            .Distinct(StringComparer.Ordinal)
            .Select(state.FindAclPolicy)
            .OfType<AclPolicy>()
            .Select(policy => AclViews.Policy(policy))
            .ToList();
        var services = token.ServiceIdentities.Concat(roles.SelectMany(role => role.ServiceIdentities));
        var nodes = token.NodeIdentities.Concat(roles.SelectMany(role => role.NodeIdentities));
        var templates = token.TemplatedPolicies.Concat(roles.SelectMany(role => role.TemplatedPolicies));
        policies.AddRange(services.Select(identity => Synthetic(new AclTemplatedPolicy { TemplateName = AclTemplatedPolicy.Service, Name = identity.ServiceName, Datacenters = identity.Datacenters }, "synthetic policy")));
        policies.AddRange(nodes.Select(identity => Synthetic(new AclTemplatedPolicy { TemplateName = AclTemplatedPolicy.Node, Name = identity.NodeName, Datacenters = [identity.Datacenter] }, "synthetic policy")));
        policies.AddRange(templates.Select(template => Synthetic(template, null)));

        var view = AclViews.Token(token, showSecret);
        return new AclTokenExpandedView
        {
            ExpandedPolicies = policies,
            ExpandedRoles = [.. roles.Select(AclViews.Role)],
            AgentAclDefaultPolicy = config.DefaultPolicy == AclDefaultPolicy.Deny ? "deny" : "allow",
            AgentAclDownPolicy = config.DownPolicy,
            ResolvedByAgent = nodeName,
            AccessorId = view.AccessorId,
            SecretId = view.SecretId,
            Description = view.Description,
            Policies = view.Policies,
            Roles = view.Roles,
            ServiceIdentities = view.ServiceIdentities,
            NodeIdentities = view.NodeIdentities,
            TemplatedPolicies = view.TemplatedPolicies,
            Local = view.Local,
            ExpirationTime = view.ExpirationTime,
            CreateTime = view.CreateTime,
            Hash = view.Hash,
            CreateIndex = view.CreateIndex,
            ModifyIndex = view.ModifyIndex,
        };
    }

    private static AclPolicyView Synthetic(AclTemplatedPolicy template, string? description)
    {
        var preview = TemplatedPolicyCatalog.Preview(template);
        return preview with
        {
            Description = description ?? preview.Description,
            Datacenters = template.Datacenters.Count > 0 ? template.Datacenters : null,
        };
    }
}
