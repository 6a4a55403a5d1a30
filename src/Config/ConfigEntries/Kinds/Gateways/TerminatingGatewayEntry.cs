using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>terminating-gateway</c> (Consul's <c>TerminatingGatewayConfigEntry</c>): the services a terminating gateway represents.</summary>
public sealed record TerminatingGatewayEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    public List<LinkedService>? Services { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}

/// <summary><c>LinkedService</c>: a service (or <c>*</c>) and the TLS the gateway originates to it.</summary>
public sealed record LinkedService
{
    [OmitEmpty]
    public string? Name { get; init; }

    [OmitEmpty]
    [JsonPropertyName("CAFile")]
    public string? CaFile { get; init; }

    [OmitEmpty]
    public string? CertFile { get; init; }

    [OmitEmpty]
    public string? KeyFile { get; init; }

    [OmitEmpty]
    [JsonPropertyName("SNI")]
    public string? Sni { get; init; }

    [OmitEmpty]
    public bool DisableAutoHostRewrite { get; init; }
}
