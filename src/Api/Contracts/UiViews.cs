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
    bool ConnectNative);
