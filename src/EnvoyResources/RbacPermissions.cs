using Envoy.Config.Route.V3;
using Envoy.Type.Matcher.V3;
using Mesh.Config.ConfigEntries;
using Rbac = Envoy.Config.Rbac.V3;

namespace Mesh.EnvoyResources;

/// <summary>One L7 permission of an intention (<c>rbacPermission</c>): its action, its match, and the higher ones it excludes.</summary>
internal sealed class RbacPermission(RbacAction action, Rbac.Permission permission)
{
    public RbacAction Action { get; } = action;

    public Rbac.Permission Permission { get; } = permission;

    public List<Rbac.Permission> NotPermissions { get; } = [];

    public bool Skip { get; set; }

    /// <summary><c>removePermissionPrecedence</c>: each permission excludes every earlier one; default-action ones go.</summary>
    public static List<RbacPermission> RemovePrecedence(List<RbacPermission> permissions, RbacAction defaultAction)
    {
        for (var i = permissions.Count - 1; i >= 0; i--)
        {
            for (var j = i + 1; j < permissions.Count; j++)
            {
                if (!permissions[j].Skip)
                {
                    permissions[j].NotPermissions.Add(permissions[i].Permission);
                }
            }

            permissions[i].Skip = permissions[i].Action == defaultAction;
        }

        return [.. permissions.Where(p => !p.Skip)];
    }

    /// <summary><c>rbacPermission.Flatten</c>.</summary>
    public Rbac.Permission Flatten()
    {
        if (NotPermissions.Count == 0)
        {
            return Permission;
        }

        return RbacPermissions.And([Permission, .. NotPermissions.Select(p => new Rbac.Permission { NotRule = p })]);
    }
}

/// <summary>Consul's <c>convertPermission</c>: an intention's HTTP match as an Envoy RBAC permission.</summary>
internal static class RbacPermissions
{
    public static Rbac.Permission Any() => new() { Any = true };

    public static Rbac.Permission Convert(IntentionPermissionRule rule)
    {
        if (rule.Http is not { } http)
        {
            return Any();
        }

        var parts = new List<Rbac.Permission>();
        if (!string.IsNullOrEmpty(http.PathExact))
        {
            parts.Add(UrlPath(new StringMatcher { Exact = http.PathExact }));
        }
        else if (!string.IsNullOrEmpty(http.PathPrefix))
        {
            parts.Add(UrlPath(new StringMatcher { Prefix = http.PathPrefix }));
        }
        else if (!string.IsNullOrEmpty(http.PathRegex))
        {
            parts.Add(UrlPath(new StringMatcher { SafeRegex = new RegexMatcher { Regex = http.PathRegex } }));
        }

        foreach (var header in http.Header ?? [])
        {
            if (HeaderMatchers.Header(header.Name, header.Present, header.Exact, header.Prefix, header.Suffix, header.Regex, header.Invert) is { } matcher)
            {
                parts.Add(new Rbac.Permission { Header = matcher });
            }
        }

        if (http.Methods is { Count: > 0 } methods)
        {
            parts.Add(new Rbac.Permission { Header = HeaderMatchers.Methods(methods) });
        }

        return And(parts);
    }

    /// <summary><c>andPermissions</c>: none is any, one is itself.</summary>
    public static Rbac.Permission And(IReadOnlyList<Rbac.Permission> parts)
    {
        switch (parts.Count)
        {
            case 0:
                return Any();
            case 1:
                return parts[0];
            default:
                var set = new Rbac.Permission.Types.Set();
                set.Rules.AddRange(parts);
                return new Rbac.Permission { AndRules = set };
        }
    }

    private static Rbac.Permission UrlPath(StringMatcher path) => new() { UrlPath = new PathMatcher { Path = path } };
}

/// <summary>Header matchers shared by routes and RBAC (Consul builds them the same way in both).</summary>
internal static class HeaderMatchers
{
    /// <summary>Exact, then regex, prefix, suffix, present (Consul's order); null when nothing is set.</summary>
    public static HeaderMatcher? Header(string? name, bool present, string? exact, string? prefix, string? suffix, string? regex, bool invert)
    {
        var matcher = new HeaderMatcher { Name = name ?? string.Empty };
        if (!string.IsNullOrEmpty(exact))
        {
            matcher.StringMatch = new StringMatcher { Exact = exact };
        }
        else if (!string.IsNullOrEmpty(regex))
        {
            matcher.StringMatch = new StringMatcher { SafeRegex = new RegexMatcher { Regex = regex } };
        }
        else if (!string.IsNullOrEmpty(prefix))
        {
            matcher.StringMatch = new StringMatcher { Prefix = prefix };
        }
        else if (!string.IsNullOrEmpty(suffix))
        {
            matcher.StringMatch = new StringMatcher { Suffix = suffix };
        }
        else if (present)
        {
            matcher.PresentMatch = true;
        }
        else
        {
            return null;
        }

        matcher.InvertMatch = invert;
        return matcher;
    }

    /// <summary>Methods as a regex alternation on the <c>:method</c> pseudo-header.</summary>
    public static HeaderMatcher Methods(IEnumerable<string> methods) => new()
    {
        Name = ":method",
        StringMatch = new StringMatcher { SafeRegex = new RegexMatcher { Regex = string.Join('|', methods) } },
    };
}
