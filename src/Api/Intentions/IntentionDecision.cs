using Mesh.Api.Server;
using Mesh.Fsm.State;

namespace Mesh.Api.Intentions;

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
    public static IntentionDecision Decide(StoreState state, string source, string destination, AgentIdentity self)
    {
        var match = IntentionCatalog.Deciding(state, source, destination);
        if (match is not null)
        {
            return match.IsL7
                ? new IntentionDecision(false, $"Matched L7 intention: {match}", match)
                : new IntentionDecision(match.Action == "allow", $"Matched L4 intention: {match}", match);
        }

        return Default(self);
    }

    /// <summary>The decision when no intention matches.</summary>
    public static IntentionDecision Default(AgentIdentity self)
    {
        return self.DefaultIntentionPolicy is { Length: > 0 }
            ? new IntentionDecision(self.DefaultIntentionAllow, DefaultPolicyReason, null)
            : new IntentionDecision(self.DefaultIntentionAllow, AclDefaultReason, null);
    }
}
