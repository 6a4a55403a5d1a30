using System.Collections.Immutable;
using Mesh.Ca.Leaves;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Fsm.Model;

namespace Mesh.ProxyCfg;

/// <summary>
/// Everything needed to generate one proxy's Envoy configuration, captured at one moment (Consul's
/// <c>proxycfg.ConfigSnapshot</c>). Built by proxycfg from the store and the leaf cache; read by resource generation;
/// never mutated. <see cref="Kind"/> selects the kind-specific part (only connect-proxy so far; gateways add their own).
/// </summary>
public sealed record ConfigSnapshot
{
    /// <summary>A <see cref="ServiceKind"/> value: <c>connect-proxy</c> now; gateway kinds later.</summary>
    public required string Kind { get; init; }

    public required ProxyId ProxyId { get; init; }

    /// <summary>The proxy's own service name, e.g. <c>web-sidecar-proxy</c>.</summary>
    public required string Service { get; init; }

    /// <summary>The proxy service's address, or its node's when the service has none.</summary>
    public required string Address { get; init; }

    public required int Port { get; init; }

    public ImmutableSortedDictionary<string, string> ServiceMeta { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public ImmutableSortedDictionary<string, ServiceAddress> TaggedAddresses { get; init; } = ImmutableSortedDictionary<string, ServiceAddress>.Empty;

    public required string Datacenter { get; init; }

    /// <summary>The CA's trust domain, e.g. <c>11111111-2222-3333-4444-555555555555.consul</c>.</summary>
    public required string TrustDomain { get; init; }

    /// <summary>The proxy registration merged with proxy-defaults and service-defaults (registration wins).</summary>
    public required ConnectProxyConfig Proxy { get; init; }

    /// <summary>The CA roots (active one first) trusted for mTLS, and the active root's ID.</summary>
    public required RootsSnapshot Roots { get; init; }

    /// <summary>The leaf certificate for <see cref="ConnectProxyConfig.DestinationServiceName"/> (a gateway's: its own name).</summary>
    public required IssuedLeaf Leaf { get; init; }

    /// <summary>Intentions whose destination matches the proxied service (exact or <c>*</c>), highest precedence first.</summary>
    public required ImmutableArray<IntentionView> Intentions { get; init; }

    /// <summary>What happens to a source no intention matches (mesh/ACL default policy).</summary>
    public required bool IntentionDefaultAllow { get; init; }

    /// <summary>Envoy access logging from the proxy-defaults <c>global</c> entry (Consul merges it into <c>Proxy.AccessLogs</c>).</summary>
    public AccessLogsConfig? AccessLogs { get; init; }

    /// <summary>The <c>mesh</c> config entry, if one exists.</summary>
    public MeshEntry? Mesh { get; init; }

    /// <summary>Explicit upstreams and, in transparent mode, upstreams implied by intentions; sorted by EnvoyId.</summary>
    public required ImmutableArray<UpstreamSnapshot> Upstreams { get; init; }

    /// <summary>The ingress-gateway part; set only when <see cref="Kind"/> is <c>ingress-gateway</c>.</summary>
    public IngressGatewaySnapshot? IngressGateway { get; init; }

    /// <summary>The terminating-gateway part; set only when <see cref="Kind"/> is <c>terminating-gateway</c>.</summary>
    public TerminatingGatewaySnapshot? TerminatingGateway { get; init; }

    /// <summary>The mesh-gateway part; set only when <see cref="Kind"/> is <c>mesh-gateway</c>.</summary>
    public MeshGatewaySnapshot? MeshGateway { get; init; }

    /// <summary>The api-gateway part; set only when <see cref="Kind"/> is <c>api-gateway</c>.</summary>
    public ApiGatewaySnapshot? ApiGateway { get; init; }

    /// <summary>The store index this snapshot reflects (for logs and metrics, not for versions).</summary>
    public long StoreIndex { get; init; }

    public bool IsTransparent => Proxy.Mode == "transparent";
}

/// <summary>The CA roots a proxy trusts.</summary>
public sealed record RootsSnapshot(string ActiveRootId, ImmutableArray<CaRoot> Roots)
{
    /// <summary>The PEMs Envoy's validation context trusts: every root, active first, each with its intermediates.</summary>
    public string TrustedCaPem => string.Concat(Roots.Select(root => Pem(root.RootCert)));

    private static string Pem(string pem) => pem.EndsWith('\n') ? pem : pem + "\n";
}

/// <summary>One upstream: how the proxy declared it, its compiled discovery chain, and each chain target's endpoints.</summary>
public sealed record UpstreamSnapshot
{
    public required UpstreamId Id { get; init; }

    /// <summary>The registration's upstream (bind address/port, Config); null for an upstream implied in transparent mode.</summary>
    public Upstream? Config { get; init; }

    public required Mesh.Config.DiscoveryChain.CompiledDiscoveryChain Chain { get; init; }

    /// <summary>Connect-capable instances (sidecars and native services) of each chain target, by target ID.</summary>
    public required ImmutableSortedDictionary<string, ImmutableArray<UpstreamEndpoint>> Endpoints { get; init; }
}

/// <summary>
/// One instance able to receive mTLS traffic for a target: a sidecar proxy (its address and port) or a Connect-native
/// service. <see cref="CheckStatuses"/> holds the node's and the instance's checks, for Consul's health/weight rules.
/// </summary>
public sealed record UpstreamEndpoint
{
    public required string Node { get; init; }

    public required string ServiceId { get; init; }

    public required string Address { get; init; }

    public required int Port { get; init; }

    public ServiceWeights Weights { get; init; } = ServiceWeights.Default;

    public ImmutableArray<string> CheckStatuses { get; init; } = [];

    /// <summary>The destination service's virtual IP (its <c>virtual</c> tagged address), for transparent proxies.</summary>
    public string VirtualAddress { get; init; } = string.Empty;

    /// <summary>An instance as an endpoint: its address (else its node's), port, weights and check statuses by check ID.</summary>
    public static UpstreamEndpoint Of(Node node, NodeService instance, IEnumerable<HealthCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(instance);
        return new UpstreamEndpoint
        {
            Node = node.Name,
            ServiceId = instance.Id,
            Address = instance.Address.Length > 0 ? instance.Address : node.Address,
            Port = instance.Port,
            Weights = instance.Weights,
            CheckStatuses = [.. checks.OrderBy(c => c.CheckId, StringComparer.Ordinal).Select(c => c.Status)],
        };
    }

    /// <summary>Endpoints in their stable order (node, then service ID), so equal sets compare and hash equal.</summary>
    public static ImmutableArray<UpstreamEndpoint> Ordered(IEnumerable<UpstreamEndpoint> endpoints)
        => [.. endpoints.OrderBy(e => e.Node, StringComparer.Ordinal).ThenBy(e => e.ServiceId, StringComparer.Ordinal)];
}
