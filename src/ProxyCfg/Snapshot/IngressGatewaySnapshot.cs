using System.Collections.Immutable;
using Mesh.Config.ConfigEntries;

namespace Mesh.ProxyCfg;

/// <summary>
/// The ingress-gateway part of a snapshot (Consul's <c>configSnapshotIngressGateway</c>): the gateway entry's TLS and
/// its listeners, each naming the upstreams (one per exposed service, in <see cref="ConfigSnapshot.Upstreams"/>) it routes to.
/// </summary>
public sealed record IngressGatewaySnapshot
{
    /// <summary>The gateway-level TLS of the config entry (Consul's <c>TLSConfig</c>).</summary>
    public required GatewayTlsConfig Tls { get; init; }

    /// <summary>Listeners by port.</summary>
    public required ImmutableArray<IngressListenerSnapshot> Listeners { get; init; }

    /// <summary>The entry's <c>Defaults</c>: limits and passive health check for every service (a service's own win).</summary>
    public IngressServiceConfig? Defaults { get; init; }
}

/// <summary>One listener: its port, protocol, own TLS and the services it exposes.</summary>
public sealed record IngressListenerSnapshot(int Port, string Protocol, GatewayTlsConfig? Tls, ImmutableArray<IngressServiceSnapshot> Services)
{
    /// <summary>
    /// The mesh CA's TLS is on for this listener: on at the gateway or on the listener (Consul's
    /// <c>connectTLSEnabled</c>; a listener cannot turn off what the gateway turns on). SDS, when configured, wins.
    /// </summary>
    public bool TlsEnabled(GatewayTlsConfig gateway) => gateway.Enabled || Tls?.Enabled == true;
}

/// <summary>
/// A service on a listener: the upstream that carries it, its configured Hosts, and its own SDS certificate
/// (<c>Services[].TLS.SDS</c> as configured; null when it has none or is a wildcard expansion).
/// </summary>
public sealed record IngressServiceSnapshot(UpstreamId Upstream, ImmutableArray<string> Hosts, GatewayTlsSdsConfig? Sds = null)
{
    /// <summary>
    /// The entry's service this one comes from (the <c>*</c> one for a wildcard expansion, as Consul's
    /// <c>findIngressServiceMatchingUpstream</c>): its header changes, limits and passive health check apply.
    /// </summary>
    public IngressService? Settings { get; init; }

    /// <summary>The service gets its own filter chain and route (Consul's <c>ingressServiceHasSDSOverrides</c>).</summary>
    public bool HasSdsOverride => !string.IsNullOrEmpty(Sds?.CertResource);
}
