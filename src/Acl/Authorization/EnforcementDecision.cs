namespace Mesh.Acl.Authorization;

/// <summary>A token's own answer: <see cref="Default"/> (no rule matched) falls through to the default policy.</summary>
public enum EnforcementDecision : byte
{
    Default,
    Allow,
    Deny,
}

/// <summary>The agent's <c>acl.default_policy</c>: what an unmatched request gets.</summary>
public enum AclDefaultPolicy : byte
{
    Allow,
    Deny,
}
