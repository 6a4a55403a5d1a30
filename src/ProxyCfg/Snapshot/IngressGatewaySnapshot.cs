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
}

/// <summary>One listener: its port, protocol, own TLS and the services it exposes.</summary>
public sealed record IngressListenerSnapshot(int Port, string Protocol, GatewayTlsConfig? Tls, ImmutableArray<IngressServiceSnapshot> Services)
{
    /// <summary>TLS is on for this listener: its own setting if it has one, else the gateway's (Consul's <c>resolveListenerTLSConfig</c>).</summary>
    public bool TlsEnabled(GatewayTlsConfig gateway) => Tls?.Enabled ?? gateway.Enabled;
}

/// <summary>A service on a listener: the upstream that carries it and its configured Hosts.</summary>
public sealed record IngressServiceSnapshot(UpstreamId Upstream, ImmutableArray<string> Hosts);
