using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>UpstreamConfiguration</c> (service-defaults): per-upstream overrides and defaults for all upstreams.</summary>
public sealed record UpstreamConfiguration
{
    [OmitEmpty]
    public List<UpstreamConfig>? Overrides { get; init; }

    [OmitEmpty]
    public UpstreamConfig? Defaults { get; init; }
}

/// <summary><c>UpstreamConfig</c>: Name (and Peer) only in overrides.</summary>
public sealed record UpstreamConfig
{
    [OmitEmpty]
    public string? Name { get; init; }

    [OmitEmpty]
    public string? Peer { get; init; }

    [OmitEmpty]
    [JsonPropertyName("EnvoyListenerJSON")]
    public string? EnvoyListenerJson { get; init; }

    [OmitEmpty]
    [JsonPropertyName("EnvoyClusterJSON")]
    public string? EnvoyClusterJson { get; init; }

    [OmitEmpty]
    public string? Protocol { get; init; }

    [OmitEmpty]
    public int ConnectTimeoutMs { get; init; }

    [OmitEmpty]
    public UpstreamLimits? Limits { get; init; }

    [OmitEmpty]
    public PassiveHealthCheck? PassiveHealthCheck { get; init; }

    public MeshGatewayConfig? MeshGateway { get; init; }

    [OmitEmpty]
    public string? BalanceOutboundConnections { get; init; }
}

/// <summary><c>UpstreamLimits</c>: circuit-breaker limits; null means "use Envoy's default".</summary>
public sealed record UpstreamLimits
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxConnections { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxPendingRequests { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxConcurrentRequests { get; init; }
}

/// <summary><c>DestinationConfig</c> (service-defaults): a service outside the mesh reached through terminating gateways.</summary>
public sealed record DestinationConfig
{
    [OmitEmpty]
    public List<string>? Addresses { get; init; }

    [OmitEmpty]
    public int Port { get; init; }
}
