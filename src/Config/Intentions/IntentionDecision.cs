using Mesh.Fsm.State;

namespace Mesh.Config.Intentions;

/// <summary>The outcome of evaluating intentions for one connection, with Consul's reason text.</summary>
public sealed record IntentionDecision(bool Allowed, string Reason, IntentionView? Matched)
{
    public const string DefaultPolicyReason = "Default intention policy";
    public const string AclDefaultReason = "Default behavior configured by ACLs";

    /// <summary>
    /// Consul's L4 decision (agent <c>ConnectAuthorize</c> and <c>Intention.Check</c>): the first intention, in
    /// precedence order, whose destination and source match decides; an L7 intention (one with Permissions) denies,
    /// since L4 cannot evaluate it. With no match, <c>default_intention_policy</c> decides if configured, else the
    /// ACL default (allow, as ACLs are disabled on this server).
    /// </summary>
    public static IntentionDecision Decide(StoreState state, string source, string destination, string? defaultIntentionPolicy)
    {
        var match = IntentionCatalog.Deciding(state, source, destination);
        if (match is not null)
        {
            return match.IsL7
                ? new IntentionDecision(false, $"Matched L7 intention: {match}", match)
                : new IntentionDecision(match.Action == "allow", $"Matched L4 intention: {match}", match);
        }

        return Default(defaultIntentionPolicy);
    }

    /// <summary>The decision when no intention matches, given Consul's <c>default_intention_policy</c> (null when not configured).</summary>
    public static IntentionDecision Default(string? defaultIntentionPolicy)
    {
        var allow = DefaultAllows(defaultIntentionPolicy);
        return defaultIntentionPolicy is { Length: > 0 }
            ? new IntentionDecision(allow, DefaultPolicyReason, null)
            : new IntentionDecision(allow, AclDefaultReason, null);
    }

    /// <summary>Whether <c>default_intention_policy</c> allows: unset (the ACL default, allow while ACLs are disabled) or "allow".</summary>
    public static bool DefaultAllows(string? defaultIntentionPolicy) => defaultIntentionPolicy is null or "" or "allow";
}
