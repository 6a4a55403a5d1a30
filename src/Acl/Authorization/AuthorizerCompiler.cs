using Mesh.Acl.Rules;

namespace Mesh.Acl.Authorization;

/// <summary>
/// Merges a token's policies (its own, its roles', and the synthetic ones of its identities) into an
/// <see cref="Authorizer"/>: for the same resource, kind (exact or prefix) and label the strongest level wins
/// (deny &gt; write &gt; list &gt; read); a service rule's <c>policy</c> and <c>intentions</c> merge separately and
/// the intentions default (read for read/write, deny for deny) is derived from the merged rule, as Consul does.
/// </summary>
public static class AuthorizerCompiler
{
    public static Authorizer Compile(string? accessorId, IEnumerable<PolicyRules> policies, AclDefaultPolicy defaultPolicy)
    {
        var builders = new RuleTableBuilder[AclResources.Count];
        for (var i = 0; i < builders.Length; i++)
        {
            builders[i] = new RuleTableBuilder();
        }

        var scalars = new AccessLevel[AclResources.Count];
        var services = new Dictionary<(string Label, bool Prefix), (AccessLevel Policy, AccessLevel Intentions)>();
        foreach (var policy in policies)
        {
            foreach (var rule in policy.Rules)
            {
                if (rule.Resource.IsScalar())
                {
                    scalars[(int)rule.Resource] = AccessLevels.Merge(scalars[(int)rule.Resource], rule.Policy);
                }
                else if (rule.Resource == AclResource.Service)
                {
                    var key = (rule.Label ?? string.Empty, rule.Prefix);
                    services[key] = services.TryGetValue(key, out var merged)
                        ? (AccessLevels.Merge(merged.Policy, rule.Policy), AccessLevels.Merge(merged.Intentions, rule.Intentions))
                        : (rule.Policy, rule.Intentions);
                }
                else
                {
                    builders[(int)rule.Resource].Add(rule.Label ?? string.Empty, rule.Prefix, rule.Policy);
                }
            }
        }

        foreach (var ((label, prefix), (policy, intentions)) in services)
        {
            builders[(int)AclResource.Service].Add(label, prefix, policy);
            var derived = new ResourceRule(AclResource.Service, label, prefix, policy, intentions).EffectiveIntentions;
            builders[(int)AclResource.Intention].Add(label, prefix, derived);
        }

        return new Authorizer(accessorId, defaultPolicy, [.. builders.Select(b => b.Build())], scalars);
    }
}
