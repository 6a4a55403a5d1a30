using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>tcp-route</c> (Consul's <c>TCPRouteConfigEntry</c>): one TCP service bound to api-gateway listeners.</summary>
public sealed record TcpRouteEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    public List<ResourceReference>? Parents { get; init; }

    public List<TcpService>? Services { get; init; }

    [OmitEmpty]
    public SortedDictionary<string, string>? Meta { get; init; }

    public ControlledStatus? Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ulong? Hash { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CreateIndex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ModifyIndex { get; init; }
}

public sealed record TcpService
{
    public string? Name { get; init; }
}
