using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>api-gateway</c> (Consul's <c>APIGatewayConfigEntry</c>): named listeners that routes bind to.</summary>
public sealed record ApiGatewayEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    public List<ApiGatewayListener>? Listeners { get; init; }

    public ControlledStatus? Status { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}

/// <summary><c>APIGatewayListener</c>: a named port with a protocol (http or tcp), an optional host name and TLS.</summary>
public sealed record ApiGatewayListener
{
    public string? Name { get; init; }

    public string? Hostname { get; init; }

    public int Port { get; init; }

    public string? Protocol { get; init; }

    [JsonPropertyName("TLS")]
    public ApiGatewayTlsConfiguration? Tls { get; init; }
}

/// <summary><c>APIGatewayTLSConfiguration</c>: certificate references and TLS parameters of a listener.</summary>
public sealed record ApiGatewayTlsConfiguration
{
    public List<ResourceReference>? Certificates { get; init; }

    public string? MaxVersion { get; init; }

    public string? MinVersion { get; init; }

    public List<string>? CipherSuites { get; init; }
}
