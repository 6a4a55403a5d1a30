using Mesh.Config.ConfigEntries;

namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// Consul's <c>ServiceSplit.MergeParent</c>: when a split leads to another splitter, the inner splits replace it and
/// inherit its header rules, so a request still passes the parent's request rules first and the parent's response
/// rules last.
/// </summary>
internal static class SplitDefinitions
{
    public static ServiceSplit MergeParent(ServiceSplit child, ServiceSplit parent) => child with
    {
        RequestHeaders = Merge(parent.RequestHeaders, child.RequestHeaders),
        ResponseHeaders = Merge(child.ResponseHeaders, parent.ResponseHeaders),
    };

    /// <summary>The base rules with the overrides' Add/Set winning on collisions and their Removes appended once.</summary>
    public static HttpHeaderModifiers? Merge(HttpHeaderModifiers? baseRules, HttpHeaderModifiers? overrides)
    {
        if (IsZero(baseRules))
        {
            return overrides;
        }

        if (IsZero(overrides))
        {
            return baseRules;
        }

        var add = new SortedDictionary<string, string>(baseRules!.Add ?? [], StringComparer.Ordinal);
        var set = new SortedDictionary<string, string>(baseRules.Set ?? [], StringComparer.Ordinal);
        foreach (var (key, value) in overrides!.Add ?? [])
        {
            add[key] = value;
        }

        foreach (var (key, value) in overrides.Set ?? [])
        {
            set[key] = value;
        }

        var remove = new List<string>(baseRules.Remove ?? []);
        foreach (var name in overrides.Remove ?? [])
        {
            if (!remove.Contains(name, StringComparer.Ordinal))
            {
                remove.Add(name);
            }
        }

        return new HttpHeaderModifiers
        {
            Add = add.Count > 0 ? add : null,
            Set = set.Count > 0 ? set : null,
            Remove = remove.Count > 0 ? remove : null,
        };
    }

    private static bool IsZero(HttpHeaderModifiers? rules)
        => rules is null || ((rules.Add?.Count ?? 0) == 0 && (rules.Set?.Count ?? 0) == 0 && (rules.Remove?.Count ?? 0) == 0);
}
