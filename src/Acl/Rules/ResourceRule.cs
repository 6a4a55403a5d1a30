namespace Mesh.Acl.Rules;

/// <summary>
/// One rule of a policy: <c>service "web" { policy = "write" intentions = "read" }</c> is
/// (Service, "web", exact, Write, Read). Scalar resources (<c>operator = "read"</c>) have a null label.
/// <see cref="Intentions"/> is only meaningful for service rules; <see cref="AccessLevel.Default"/> means unset.
/// </summary>
public sealed record ResourceRule(AclResource Resource, string? Label, bool Prefix, AccessLevel Policy, AccessLevel Intentions = AccessLevel.Default)
{
    /// <summary>
    /// The intentions level this service rule grants: the explicit <c>intentions</c> if set, else read for a read or
    /// write policy and deny for a deny policy (so <c>service:write</c> alone does not grant intention writes).
    /// </summary>
    public AccessLevel EffectiveIntentions => Intentions != AccessLevel.Default
        ? Intentions
        : Policy switch
        {
            AccessLevel.Read or AccessLevel.Write => AccessLevel.Read,
            AccessLevel.Deny => AccessLevel.Deny,
            _ => AccessLevel.Default,
        };
}

/// <summary>A parsed rules document: its rules in document order.</summary>
public sealed record PolicyRules(IReadOnlyList<ResourceRule> Rules)
{
    public static PolicyRules Empty { get; } = new([]);
}
