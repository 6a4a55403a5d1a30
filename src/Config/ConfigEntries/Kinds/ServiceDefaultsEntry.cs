using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>service-defaults</c> (Consul's <c>ServiceConfigEntry</c>), fields in Consul's order.</summary>
public sealed record ServiceDefaultsEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    public string? Protocol { get; init; }

    [OmitEmpty]
    public string? Mode { get; init; }

    public TransparentProxyConfig? TransparentProxy { get; init; }

    [OmitEmpty]
    [JsonPropertyName("MutualTLSMode")]
    public string? MutualTlsMode { get; init; }

    public MeshGatewayConfig? MeshGateway { get; init; }

    public ExposeConfig? Expose { get; init; }

    [OmitEmpty]
    [JsonPropertyName("ExternalSNI")]
    public string? ExternalSni { get; init; }

    [OmitEmpty]
    public UpstreamConfiguration? UpstreamConfig { get; init; }

    [OmitEmpty]
    public DestinationConfig? Destination { get; init; }

    [OmitEmpty]
    public int MaxInboundConnections { get; init; }

    [OmitEmpty]
    public int LocalConnectTimeoutMs { get; init; }

    [OmitEmpty]
    public int LocalRequestTimeoutMs { get; init; }

    [OmitEmpty]
    public string? BalanceInboundConnections { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    /// <summary>Consul's content hash, present in its output; accepted so that output can be written back, then dropped.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}
