using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>ingress-gateway</c> (Consul's <c>IngressGatewayConfigEntry</c>): the ports an ingress gateway listens on and the services behind each.</summary>
public sealed record IngressGatewayEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    /// <summary>Always written, as Consul (a struct, not a pointer).</summary>
    [JsonPropertyName("TLS")]
    public GatewayTlsConfig? Tls { get; init; }

    public List<IngressListener>? Listeners { get; init; }

    [OmitEmpty]
    public IngressServiceConfig? Defaults { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}

/// <summary><c>IngressListener</c>: one port, its protocol, optional TLS and the services it forwards to.</summary>
public sealed record IngressListener
{
    public int Port { get; init; }

    public string? Protocol { get; init; }

    [OmitEmpty]
    [JsonPropertyName("TLS")]
    public GatewayTlsConfig? Tls { get; init; }

    public List<IngressService>? Services { get; init; }
}

/// <summary><c>IngressService</c>: a service (or <c>*</c>) on a listener, with its Host names and limits.</summary>
public sealed record IngressService
{
    public string? Name { get; init; }

    public List<string>? Hosts { get; init; }

    [OmitEmpty]
    [JsonPropertyName("TLS")]
    public GatewayServiceTlsConfig? Tls { get; init; }

    [OmitEmpty]
    public HttpHeaderModifiers? RequestHeaders { get; init; }

    [OmitEmpty]
    public HttpHeaderModifiers? ResponseHeaders { get; init; }

    [OmitEmpty]
    public uint MaxConnections { get; init; }

    [OmitEmpty]
    public uint MaxPendingRequests { get; init; }

    [OmitEmpty]
    public uint MaxConcurrentRequests { get; init; }

    [OmitEmpty]
    public PassiveHealthCheck? PassiveHealthCheck { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }
}

/// <summary><c>IngressServiceConfig</c>: defaults for every service of the gateway.</summary>
public sealed record IngressServiceConfig
{
    public uint MaxConnections { get; init; }

    public uint MaxPendingRequests { get; init; }

    public uint MaxConcurrentRequests { get; init; }

    [OmitEmpty]
    public PassiveHealthCheck? PassiveHealthCheck { get; init; }
}
