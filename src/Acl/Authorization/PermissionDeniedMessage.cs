namespace Mesh.Acl.Authorization;

/// <summary>
/// Consul's error texts (<c>acl/errors.go</c>). Clients match the substrings "Permission denied" and "ACL not found",
/// so the spellings are exact.
/// </summary>
public static class PermissionDeniedMessage
{
    public const string Prefix = "Permission denied";

    public const string AclNotFound = "ACL not found";

    public const string AclDisabled = "ACL support disabled";

    /// <summary>
    /// <c>Permission denied: token with AccessorID '&lt;id&gt;' lacks permission 'service:write' on "web"</c>; "provided token"
    /// when the accessor is unknown; no <c>on</c> part for unnamed resources (acl, operator, keyring, mesh, peering).
    /// </summary>
    public static string For(string? accessorId, Permission permission)
    {
        var who = string.IsNullOrEmpty(accessorId) ? "provided token" : $"token with AccessorID '{accessorId}'";
        var on = permission.Name is null ? string.Empty : $" on \"{permission.Name}\"";
        return $"{Prefix}: {who} lacks permission '{permission}'{on}";
    }
}
