using Mesh.Server.Federation;

namespace Mesh.ProxyCfg;

/// <summary>
/// What proxycfg's cross-datacenter watches hold, for a build outside the runtime (tests): other datacenters' target
/// instances by (datacenter, service), their mesh gateways by datacenter (null: none heard yet), and the known datacenters.
/// </summary>
public sealed record FederatedRows
{
    public Func<string, string, IReadOnlyList<HealthRow>?> Services { get; init; } = static (_, _) => null;

    public Func<string, IReadOnlyList<HealthRow>?> Gateways { get; init; } = static _ => null;

    public IReadOnlyList<string> KnownDatacenters { get; init; } = [];
}
