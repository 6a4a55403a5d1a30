using Mesh.Api.Http;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;

namespace Mesh.Api.Acl;

/// <summary>
/// The parts tokens and roles share: policy/role links given by ID or by Name resolved to IDs against the store
/// (the FSM links by ID only and checks again at apply), identities and templated policies checked as Consul does.
/// Every problem is a 400 with Consul's text.
/// </summary>
public static class AclLinks
{
    public static IReadOnlyList<AclLink> Policies(StoreState state, IReadOnlyList<AclLinkBody>? links)
        => Resolve(links, "policy", id => state.FindAclPolicy(id)?.Id, name => state.FindAclPolicyByName(name)?.Id);

    public static IReadOnlyList<AclLink> Roles(StoreState state, IReadOnlyList<AclLinkBody>? links)
        => Resolve(links, "role", id => state.FindAclRole(id)?.Id, name => state.FindAclRoleByName(name)?.Id);

    private static List<AclLink> Resolve(IReadOnlyList<AclLinkBody>? links, string kind, Func<string, string?> byId, Func<string, string?> byName)
    {
        var resolved = new List<AclLink>();
        foreach (var link in links ?? [])
        {
            string? id;
            if (!string.IsNullOrEmpty(link.Id))
            {
                id = byId(link.Id) ?? throw ApiException.BadRequest($"No such ACL {kind} with ID \"{link.Id}\"");
            }
            else if (!string.IsNullOrEmpty(link.Name))
            {
                id = byName(link.Name) ?? throw ApiException.BadRequest($"No such ACL {kind} with name \"{link.Name}\"");
            }
            else
            {
                throw ApiException.BadRequest($"An ACL {kind} link needs an ID or a Name");
            }

            // Consul drops repeated links silently.
            if (!resolved.Any(existing => existing.Id == id))
            {
                resolved.Add(new AclLink { Id = id });
            }
        }

        return resolved.Count > AclNames.MaxLinks ? throw ApiException.BadRequest($"more than {AclNames.MaxLinks} {kind} links") : resolved;
    }

    public static IReadOnlyList<AclServiceIdentity> ServiceIdentities(IReadOnlyList<AclServiceIdentityBody>? identities, string owner)
    {
        var result = new List<AclServiceIdentity>();
        foreach (var identity in identities ?? [])
        {
            var name = identity.ServiceName ?? string.Empty;
            if (name.Length == 0)
            {
                throw ApiException.BadRequest($"Service identity is missing the service name field on this {owner}");
            }

            if (!AclNames.IsIdentityName(name))
            {
                throw ApiException.BadRequest($"Service identity \"{name}\" has an invalid name. Only lowercase alphanumeric characters, '-' and '_' are allowed");
            }

            result.Add(new AclServiceIdentity { ServiceName = name, Datacenters = Datacenters(identity.Datacenters) });
        }

        return result;
    }

    public static IReadOnlyList<AclNodeIdentity> NodeIdentities(IReadOnlyList<AclNodeIdentityBody>? identities, string owner)
    {
        var result = new List<AclNodeIdentity>();
        foreach (var identity in identities ?? [])
        {
            var name = identity.NodeName ?? string.Empty;
            if (name.Length == 0)
            {
                throw ApiException.BadRequest($"Node identity is missing the node name field on this {owner}");
            }

            if (!AclNames.IsIdentityName(name))
            {
                throw ApiException.BadRequest($"Node identity has an invalid name. Only lowercase alphanumeric characters, '-' and '_' are allowed");
            }

            if (string.IsNullOrEmpty(identity.Datacenter))
            {
                throw ApiException.BadRequest($"Node identity is missing the datacenter field on this {owner}");
            }

            result.Add(new AclNodeIdentity { NodeName = name, Datacenter = identity.Datacenter });
        }

        return result;
    }

    public static IReadOnlyList<AclTemplatedPolicy> Templates(IReadOnlyList<AclTemplatedPolicyBody>? templates)
    {
        var result = new List<AclTemplatedPolicy>();
        foreach (var template in templates ?? [])
        {
            var name = template.TemplateName ?? string.Empty;
            result.Add(TemplatedPolicyCatalog.Instantiate(name, template.TemplateVariables?.Name) with { Datacenters = Datacenters(template.Datacenters) });
        }

        return result;
    }

    private static List<string> Datacenters(List<string>? datacenters)
        => datacenters is null ? [] : datacenters.Any(string.IsNullOrEmpty) ? throw ApiException.BadRequest("Datacenters must be non-empty names") : datacenters;
}
