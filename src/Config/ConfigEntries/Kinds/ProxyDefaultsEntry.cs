using System.Text.Json.Serialization;
using Mesh.Fsm.Model;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>proxy-defaults</c> (Consul's <c>ProxyConfigEntry</c>), fields in Consul's order.</summary>
public sealed record ProxyDefaultsEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    /// <summary>Free-form proxy configuration (<c>protocol</c>, <c>envoy_*_json</c>, ...); keys are kept as written.</summary>
    public JsonBlob? Config { get; init; }

    [OmitEmpty]
    public string? Mode { get; init; }

    public TransparentProxyConfig? TransparentProxy { get; init; }

    [OmitEmpty]
    [JsonPropertyName("MutualTLSMode")]
    public string? MutualTlsMode { get; init; }

    public MeshGatewayConfig? MeshGateway { get; init; }

    public ExposeConfig? Expose { get; init; }

    public AccessLogsConfig? AccessLogs { get; init; }

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
