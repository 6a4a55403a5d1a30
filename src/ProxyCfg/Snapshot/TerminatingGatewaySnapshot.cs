using System.Collections.Immutable;
using Mesh.Ca.Leaves;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;

namespace Mesh.ProxyCfg;

/// <summary>
/// The terminating-gateway part of a snapshot (Consul's <c>configSnapshotTerminatingGateway</c>): every service the
/// gateway's config entry links (a wildcard expanded against the catalog), by name, each with what the gateway needs
/// to stand in for it: its instances, resolver, protocol, leaf and intentions.
/// </summary>
public sealed record TerminatingGatewaySnapshot
{
    /// <summary>Linked services, sorted by name; a linked service with no instances is listed with none.</summary>
    public required ImmutableArray<TerminatingServiceSnapshot> Services { get; init; }
}

/// <summary>
/// One linked service. <see cref="Endpoints"/> holds its instances (not sidecars: the gateway is their proxy) under
/// <c>""</c>, and each resolver subset's under the subset's name; health is not filtered here.
/// </summary>
public sealed record TerminatingServiceSnapshot
{
    public required string Name { get; init; }

    /// <summary>TLS origination to the external service: the link's CAFile, CertFile, KeyFile and SNI (empty when unset).</summary>
    public string CaFile { get; init; } = string.Empty;

    public string CertFile { get; init; } = string.Empty;

    public string KeyFile { get; init; } = string.Empty;

    public string Sni { get; init; } = string.Empty;

    /// <summary>HTTP routes rewrite the Host header to the external host unless the link sets <c>DisableAutoHostRewrite</c>.</summary>
    public bool AutoHostRewrite { get; init; } = true;

    /// <summary>The service's protocol from service-defaults, else proxy-defaults, else <c>tcp</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The service's resolver entry, if one exists (subsets, default subset, timeouts, load balancer).</summary>
    public ServiceResolverEntry? Resolver { get; init; }

    /// <summary>Instances by subset name (<c>""</c>: all of them), each list ordered by node then instance ID.</summary>
    public required ImmutableSortedDictionary<string, ImmutableArray<UpstreamEndpoint>> Endpoints { get; init; }

    /// <summary>The leaf the gateway presents for this service; null until the runtime has one (no filter chain until then).</summary>
    public IssuedLeaf? Leaf { get; init; }

    /// <summary>Intentions whose destination matches the service (exact or <c>*</c>), highest precedence first.</summary>
    public required ImmutableArray<IntentionView> Intentions { get; init; }

    /// <summary>All instances of the service (the unnamed subset).</summary>
    public ImmutableArray<UpstreamEndpoint> Instances => Endpoints.TryGetValue(string.Empty, out var all) ? all : [];
}
