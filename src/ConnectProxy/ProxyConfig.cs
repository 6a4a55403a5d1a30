using System.Collections.Immutable;

namespace Mesh.ConnectProxy;

/// <summary>The public (inbound mTLS) listener and the local application it forwards to.</summary>
public sealed record PublicListenerConfig(string BindAddress, int BindPort, string LocalServiceAddress, int LocalServicePort, TimeSpan LocalConnectTimeout, TimeSpan HandshakeTimeout);

/// <summary>One upstream: a local plaintext listener that dials the destination service over Connect.</summary>
public sealed record UpstreamConfig(string DestinationType, string DestinationName, string Datacenter, string LocalBindAddress, int LocalBindPort, TimeSpan ConnectTimeout)
{
    public string ListenerName => $"upstream:{DestinationName}:{LocalBindAddress}:{LocalBindPort}";
}

/// <summary>Everything the proxy runs from, read from its registration (or from flags in dev mode).</summary>
public sealed record ProxyConfig
{
    /// <summary>The Connect identity: the destination service's name.</summary>
    public required string Service { get; init; }

    public string? ProxyId { get; init; }

    public PublicListenerConfig? Public { get; init; }

    public ImmutableArray<UpstreamConfig> Upstreams { get; init; } = [];

    /// <summary>Proxy.Config <c>envoy_prometheus_bind_addr</c> (the key Consul gives a proxy's Prometheus endpoint).</summary>
    public string? PrometheusBindAddress { get; init; }

    /// <summary>Proxy.Config <c>max_inbound_connections</c>: open connections per listener beyond which new ones are closed.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Proxy.Config <c>idle_timeout_ms</c>: a connection with no bytes either way for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(1);

    public bool Equals(ProxyConfig? other)
        => other is not null && Service == other.Service && ProxyId == other.ProxyId && Equals(Public, other.Public)
           && Upstreams.SequenceEqual(other.Upstreams) && PrometheusBindAddress == other.PrometheusBindAddress
           && MaxConnections == other.MaxConnections && IdleTimeout == other.IdleTimeout;

    public override int GetHashCode() => HashCode.Combine(Service, ProxyId, Public, Upstreams.Length);
}
