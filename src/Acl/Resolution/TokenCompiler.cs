using System.Collections.Concurrent;
using Mesh.Acl.Authorization;
using Mesh.Acl.Rules;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;

namespace Mesh.Acl.Resolution;

/// <summary>
/// Collects a token's effective policies from the store (direct links, roles' links, identities and templated
/// policies, filtered by datacenter) and compiles them. Parsed policy rules are kept per policy ID and hash, so
/// tokens sharing policies parse each once.
/// </summary>
internal sealed class TokenCompiler
{
    private readonly AclResolverOptions _options;
    private readonly ConcurrentDictionary<string, (string Hash, PolicyRules? Rules)> _parsed = new(StringComparer.Ordinal);

    public TokenCompiler(AclResolverOptions options) => _options = options;

    public TokenResolution Compile(StoreState state, AclToken token)
    {
        var policies = new List<PolicyRules>();
        var unreadable = new List<string>();
        var seenPolicies = new HashSet<string>(StringComparer.Ordinal);
        AddLinks(state, token.Policies, policies, unreadable, seenPolicies);
        AddIdentities(token.ServiceIdentities, token.NodeIdentities, token.TemplatedPolicies, policies);
        foreach (var link in token.Roles)
        {
            if (state.FindAclRole(link.Id) is { } role)
            {
                AddLinks(state, role.Policies, policies, unreadable, seenPolicies);
                AddIdentities(role.ServiceIdentities, role.NodeIdentities, role.TemplatedPolicies, policies);
            }
        }

        return new TokenResolution
        {
            Token = token,
            Authorizer = AuthorizerCompiler.Compile(token.AccessorId, policies, _options.DefaultPolicy),
            UnreadablePolicyIds = unreadable,
        };
    }

    /// <summary>Drops parsed rules of policies no longer in the store.</summary>
    public void Prune(StoreState state)
    {
        foreach (var id in _parsed.Keys)
        {
            if (state.FindAclPolicy(id) is null)
            {
                _parsed.TryRemove(id, out _);
            }
        }
    }

    private void AddLinks(StoreState state, IReadOnlyList<AclLink> links, List<PolicyRules> policies, List<string> unreadable, HashSet<string> seen)
    {
        foreach (var link in links)
        {
            if (!seen.Add(link.Id) || state.FindAclPolicy(link.Id) is not { } policy || !AppliesHere(policy.Datacenters))
            {
                continue;
            }

            if (Parse(policy) is { } rules)
            {
                policies.Add(rules);
            }
            else
            {
                unreadable.Add(policy.Id);
            }
        }
    }

    private void AddIdentities(
        IReadOnlyList<AclServiceIdentity> services,
        IReadOnlyList<AclNodeIdentity> nodes,
        IReadOnlyList<AclTemplatedPolicy> templates,
        List<PolicyRules> policies)
    {
        foreach (var service in services)
        {
            if (AppliesHere(service.Datacenters))
            {
                policies.Add(SyntheticPolicies.ForService(service.ServiceName));
            }
        }

        foreach (var node in nodes)
        {
            if (string.Equals(node.Datacenter, _options.Datacenter, StringComparison.Ordinal))
            {
                policies.Add(SyntheticPolicies.ForNode(node.NodeName));
            }
        }

        foreach (var template in templates)
        {
            if (AppliesHere(template.Datacenters) && SyntheticPolicies.ForTemplate(template) is { } rules)
            {
                policies.Add(rules);
            }
        }
    }

    private bool AppliesHere(IReadOnlyList<string> datacenters)
        => datacenters.Count == 0 || datacenters.Contains(_options.Datacenter, StringComparer.Ordinal);

    private PolicyRules? Parse(AclPolicy policy)
    {
        if (_parsed.TryGetValue(policy.Id, out var cached) && cached.Hash == policy.Hash && policy.Hash.Length > 0)
        {
            return cached.Rules;
        }

        // Rules are validated at the edge before they are written; a stored policy that no longer parses (written by
        // another build) grants nothing rather than failing every request of its tokens.
        var rules = RulesParser.TryParse(policy.Rules, out var parsed, out _) ? parsed : null;
        _parsed[policy.Id] = (policy.Hash, rules);
        return rules;
    }
}
