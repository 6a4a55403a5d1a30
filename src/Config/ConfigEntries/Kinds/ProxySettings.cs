using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>TransparentProxyConfig</c>: the outbound listener port and whether the service is dialed directly.</summary>
public sealed record TransparentProxyConfig
{
    [OmitEmpty]
    public int OutboundListenerPort { get; init; }

    [OmitEmpty]
    public bool DialedDirectly { get; init; }
}

/// <summary><c>MeshGatewayConfig</c>: how upstreams in other datacenters or peers are reached.</summary>
public sealed record MeshGatewayConfig
{
    [OmitEmpty]
    public string? Mode { get; init; }
}

/// <summary><c>ExposeConfig</c>: paths exposed without mTLS (health checks, metrics).</summary>
public sealed record ExposeConfig
{
    [OmitEmpty]
    public bool Checks { get; init; }

    [OmitEmpty]
    public List<ExposePath>? Paths { get; init; }
}

public sealed record ExposePath
{
    [OmitEmpty]
    public int ListenerPort { get; init; }

    [OmitEmpty]
    public string? Path { get; init; }

    [OmitEmpty]
    public int LocalPathPort { get; init; }

    [OmitEmpty]
    public string? Protocol { get; init; }

    [OmitEmpty]
    public bool ParsedFromCheck { get; init; }
}

/// <summary><c>AccessLogsConfig</c> (proxy-defaults): Envoy access logging.</summary>
public sealed record AccessLogsConfig
{
    [OmitEmpty]
    public bool Enabled { get; init; }

    [OmitEmpty]
    public bool DisableListenerLogs { get; init; }

    [OmitEmpty]
    public string? Type { get; init; }

    [OmitEmpty]
    public string? Path { get; init; }

    [OmitEmpty]
    [JsonPropertyName("JSONFormat")]
    public string? JsonFormat { get; init; }

    [OmitEmpty]
    public string? TextFormat { get; init; }
}
