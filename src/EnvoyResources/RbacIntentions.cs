using Mesh.Config.Intentions;
using Rbac = Envoy.Config.Rbac.V3;

namespace Mesh.EnvoyResources;

/// <summary>
/// Consul's intermediate RBAC form (<c>rbacIntention</c> in <c>agent/xds/rbac.go</c>) and the precedence flattening
/// that turns an ordered intention list into order-free allow (or deny) rules: each intention excludes, by "and not",
/// the sources of every higher-precedence intention its source pattern covers; intentions with the default action go.
/// </summary>
internal sealed class RbacIntention
{
    public required RbacSource Source { get; init; }

    public List<RbacSource> NotSources { get; } = [];

    public required RbacAction Action { get; init; }

    /// <summary>For an L7 intention: its permissions, in order.</summary>
    public List<RbacPermission> Permissions { get; set; } = [];

    public bool Skip { get; set; }

    public Rbac.Principal? ComputedPrincipal { get; set; }

    /// <summary><c>intentionListToIntermediateRBACForm</c>: precedence order, and only the first intention of each source.</summary>
    public static List<RbacIntention> FromIntentions(IEnumerable<IntentionView> intentions, bool isHttp)
    {
        var seen = new HashSet<RbacSource>();
        var result = new List<RbacIntention>();
        foreach (var intention in intentions.Order(IntentionOrder.Instance))
        {
            var source = new RbacSource(intention.SourceNs, intention.SourceName);
            if (!seen.Add(source))
            {
                continue; // a higher-precedence intention (to another destination) already decided this source
            }

            result.Add(FromIntention(intention, source, isHttp));
        }

        return result;
    }

    private static RbacIntention FromIntention(IntentionView intention, RbacSource source, bool isHttp)
    {
        if (!intention.IsL7)
        {
            return new RbacIntention { Source = source, Action = RbacActions.Parse(intention.Action) };
        }

        // L7 intentions on a TCP service cannot be enforced: Consul treats them as deny.
        if (!isHttp)
        {
            return new RbacIntention { Source = source, Action = RbacAction.Deny };
        }

        return new RbacIntention
        {
            Source = source,
            Action = RbacAction.Layer7,
            Permissions = [.. intention.Permissions!.Select(p => new RbacPermission(RbacActions.Parse(p.Action), RbacPermissions.Convert(p)))],
        };
    }

    /// <summary><c>removeIntentionPrecedence</c> (and, for L7, <c>removePermissionPrecedence</c>).</summary>
    public static List<RbacIntention> RemovePrecedence(List<RbacIntention> intentions, RbacAction defaultAction, string trustDomain)
    {
        for (var i = intentions.Count - 1; i >= 0; i--)
        {
            for (var j = i + 1; j < intentions.Count; j++)
            {
                if (!intentions[j].Skip && intentions[i].Source.IsCoveredBy(intentions[j].Source))
                {
                    intentions[j].NotSources.Add(intentions[i].Source);
                }
            }

            if (intentions[i].Action == defaultAction)
            {
                intentions[i].Skip = true;
            }
            else if (intentions[i].Action == RbacAction.Layer7)
            {
                intentions[i].Permissions = RbacPermission.RemovePrecedence(intentions[i].Permissions, defaultAction);

                // Every permission matched the default: the intention adds no rule (it still shadowed lower ones above).
                intentions[i].Skip = intentions[i].Permissions.Count == 0;
            }
        }

        var retained = intentions.Where(x => !x.Skip).ToList();
        foreach (var intention in retained)
        {
            intention.ComputedPrincipal = intention.FlattenPrincipal(trustDomain);
        }

        return retained;
    }

    /// <summary><c>flattenPrincipalFromCert</c>: the source, and not each shadowing source.</summary>
    private Rbac.Principal FlattenPrincipal(string trustDomain)
    {
        var notSources = RbacSource.Simplify(NotSources);
        if (notSources.Count == 0)
        {
            return Source.Principal(trustDomain);
        }

        var and = new Rbac.Principal.Types.Set();
        and.Ids.Add(Source.Principal(trustDomain));
        foreach (var notSource in notSources)
        {
            and.Ids.Add(new Rbac.Principal { NotId = notSource.Principal(trustDomain) });
        }

        return new Rbac.Principal { AndIds = and };
    }
}

/// <summary>A source service pattern (namespace and name, either may be <c>*</c>).</summary>
internal sealed record RbacSource(string Namespace, string Name)
{
    private const string Wildcard = "*";

    private int Wildcards => (Namespace == Wildcard ? 1 : 0) + (Name == Wildcard ? 1 : 0);

    /// <summary><c>ixnSourceMatches(this, wider)</c>: <paramref name="wider"/> has more wildcards and matches this.</summary>
    public bool IsCoveredBy(RbacSource wider)
        => Wildcards < wider.Wildcards
           && (Namespace == wider.Namespace || wider.Namespace == Wildcard)
           && (Name == wider.Name || wider.Name == Wildcard);

    /// <summary>
    /// <c>makeSpiffePattern</c>: any datacenter, wildcards as one path segment. Like Consul, the trust domain is not
    /// regex-escaped (its dots match any character, which cannot widen a match in practice).
    /// </summary>
    public Rbac.Principal Principal(string trustDomain)
    {
        const string anyPath = "[^/]+";
        var ns = Namespace == Wildcard ? anyPath : Namespace;
        var name = Name == Wildcard ? anyPath : Name;
        return new Rbac.Principal
        {
            Authenticated = new Rbac.Principal.Types.Authenticated
            {
                PrincipalName = new Envoy.Type.Matcher.V3.StringMatcher
                {
                    SafeRegex = new Envoy.Type.Matcher.V3.RegexMatcher { Regex = $"^spiffe://{trustDomain}/ns/{ns}/dc/{anyPath}/svc/{name}$" },
                },
            },
        };
    }

    /// <summary><c>simplifyNotSourceSlice</c>: widest first, dropping any source a kept one already covers.</summary>
    public static List<RbacSource> Simplify(List<RbacSource> sources)
    {
        if (sources.Count <= 1)
        {
            return sources;
        }

        var keep = new List<RbacSource>();
        foreach (var source in sources.OrderByDescending(s => s.Wildcards))
        {
            if (!keep.Any(source.IsCoveredBy))
            {
                keep.Add(source);
            }
        }

        return keep;
    }
}

internal enum RbacAction
{
    Deny,
    Allow,
    Layer7,
}

internal static class RbacActions
{
    public static RbacAction Parse(string? action)
        => string.Equals(action, "allow", StringComparison.OrdinalIgnoreCase) ? RbacAction.Allow : RbacAction.Deny;
}
