using System.Text.RegularExpressions;

namespace Mesh.Fsm.Model.Acl;

/// <summary>Consul's shape rules for ACL identifiers and names, shared by the FSM and the HTTP edge.</summary>
public static partial class AclNames
{
    /// <summary>Largest accepted policy rules document, in UTF-16 characters (Consul has no own limit; 128 KiB is far above real policies).</summary>
    public const int MaxRulesLength = 128 * 1024;

    public const int MaxDescriptionLength = 8 * 1024;

    /// <summary>Most links or identities one token or role may hold.</summary>
    public const int MaxLinks = 1024;

    /// <summary>A UUID in canonical 8-4-4-4-12 hex form (either case), as Consul's <c>uuid.ParseUUID</c> accepts.</summary>
    public static bool IsUuid(string value) => UuidPattern().IsMatch(value);

    /// <summary>Policy names: <c>[A-Za-z0-9-_]</c>, 1-128 characters.</summary>
    public static bool IsPolicyName(string name) => PolicyNamePattern().IsMatch(name);

    /// <summary>Role names: <c>[A-Za-z0-9-_]</c>, 1-256 characters.</summary>
    public static bool IsRoleName(string name) => RoleNamePattern().IsMatch(name);

    /// <summary>Service and node identity names: lower-case alphanumerics, '-' and '_', starting and ending alphanumeric, at most 256.</summary>
    public static bool IsIdentityName(string name) => name.Length <= 256 && IdentityNamePattern().IsMatch(name);

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidPattern();

    [GeneratedRegex("^[A-Za-z0-9\\-_]{1,128}$")]
    private static partial Regex PolicyNamePattern();

    [GeneratedRegex("^[A-Za-z0-9\\-_]{1,256}$")]
    private static partial Regex RoleNamePattern();

    [GeneratedRegex("^[a-z0-9]([a-z0-9\\-_]*[a-z0-9])?$")]
    private static partial Regex IdentityNamePattern();
}
