namespace Mesh.Acl.Rules;

/// <summary>
/// A rule's access level. The numeric order is the merge precedence (deny &gt; write &gt; list &gt; read), so merging
/// two rules for the same resource and label is <see cref="Math.Max(int, int)"/>; <see cref="Default"/> means no rule.
/// </summary>
public enum AccessLevel : byte
{
    Default = 0,
    Read = 1,
    List = 2,
    Write = 3,
    Deny = 4,
}

public static class AccessLevels
{
    public static AccessLevel Merge(AccessLevel left, AccessLevel right) => left >= right ? left : right;

    /// <summary>Whether a rule at <paramref name="granted"/> allows <paramref name="required"/> (write allows list and read, list allows read).</summary>
    public static bool Allows(this AccessLevel granted, AccessLevel required) => granted switch
    {
        AccessLevel.Write => required is AccessLevel.Read or AccessLevel.List or AccessLevel.Write,
        AccessLevel.List => required is AccessLevel.Read or AccessLevel.List,
        AccessLevel.Read => required is AccessLevel.Read,
        _ => false,
    };

    /// <summary>Consul's spelling ("read", "list", "write", "deny").</summary>
    public static string Name(this AccessLevel level) => level switch
    {
        AccessLevel.Read => "read",
        AccessLevel.List => "list",
        AccessLevel.Write => "write",
        AccessLevel.Deny => "deny",
        _ => "default",
    };

    /// <summary>Parses a policy string case-insensitively, as Consul's <c>AccessLevelFromString</c>.</summary>
    public static bool TryParse(string text, out AccessLevel level)
    {
        level = text.ToLowerInvariant() switch
        {
            "read" => AccessLevel.Read,
            "list" => AccessLevel.List,
            "write" => AccessLevel.Write,
            "deny" => AccessLevel.Deny,
            _ => AccessLevel.Default,
        };
        return level != AccessLevel.Default;
    }
}
