namespace Mesh.Api.Contracts;

/// <summary>
/// One row of <c>/v1/internal/ui/services</c> (Consul's <c>ServiceSummary</c>): a service name with its kind, the
/// union of its instances' tags, the nodes it runs on, how many instances the token may read, and the states of
/// the checks that decide those instances' health (node checks count once per instance, as in Consul).
/// </summary>
public sealed record UiServiceSummaryView(
    string Kind,
    string Name,
    string Datacenter,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Nodes,
    int InstanceCount,
    int ChecksPassing,
    int ChecksWarning,
    int ChecksCritical,
    bool ConnectNative,
    bool ConnectedWithProxy);

/// <summary>
/// <c>/v1/internal/ui/service-topology/:service</c> (Consul's <c>ServiceTopology</c>): the services it calls and the
/// services that call it, each with the intention decision for that pair; <c>FilteredByACLs</c> when some were left
/// out because the token may not read them.
/// </summary>
public sealed record UiServiceTopologyView(
    string Protocol,
    IReadOnlyList<UiTopologyLinkView> Upstreams,
    IReadOnlyList<UiTopologyLinkView> Downstreams,
    bool FilteredByACLs);

/// <summary>
/// One upstream or downstream: its name, why it is linked (<c>Source</c>: <c>proxy-registration</c>,
/// <c>specific-intention</c> or <c>routing-config</c>, as Consul names them) and the intention decision.
/// </summary>
public sealed record UiTopologyLinkView(string Name, string Source, UiIntentionDecisionView Intention);

/// <summary>Consul's <c>IntentionDecisionSummary</c>, with the decision's reason as the check endpoints word it.</summary>
public sealed record UiIntentionDecisionView(bool Allowed, bool DefaultAllow, bool HasPermissions, bool HasExact, string Reason);
