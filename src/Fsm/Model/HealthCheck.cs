using System.Text.Json.Serialization;
using MessagePack;

namespace Mesh.Fsm.Model;

/// <summary>A health check on a node or service (<c>structs.HealthCheck</c>).</summary>
[MessagePackObject]
public sealed record HealthCheck
{
    [Key(0)]
    public string Node { get; init; } = string.Empty;

    [Key(1)]
    [JsonPropertyName("CheckID")]
    public string CheckId { get; init; } = string.Empty;

    [Key(2)]
    public string Name { get; init; } = string.Empty;

    [Key(3)]
    public string Status { get; init; } = HealthStatus.Critical;

    [Key(4)]
    public string Notes { get; init; } = string.Empty;

    [Key(5)]
    public string Output { get; init; } = string.Empty;

    [Key(6)]
    [JsonPropertyName("ServiceID")]
    public string ServiceId { get; init; } = string.Empty;

    [Key(7)]
    public string ServiceName { get; init; } = string.Empty;

    [Key(8)]
    public IReadOnlyList<string> ServiceTags { get; init; } = EmptyMap.List;

    /// <summary><c>ttl</c>, <c>http</c>, <c>tcp</c>, <c>grpc</c>, <c>alias</c>, ... or empty for an externally managed check.</summary>
    [Key(9)]
    public string Type { get; init; } = string.Empty;

    [Key(10)]
    public string Interval { get; init; } = string.Empty;

    [Key(11)]
    public string Timeout { get; init; } = string.Empty;

    [Key(12)]
    public CheckDefinition Definition { get; init; } = CheckDefinition.Empty;

    [Key(13)]
    public long CreateIndex { get; init; }

    [Key(14)]
    public long ModifyIndex { get; init; }
}

/// <summary>How a check is run (<c>structs.HealthCheckDefinition</c>); durations are Go duration strings.</summary>
[MessagePackObject]
public sealed record CheckDefinition
{
    public static CheckDefinition Empty { get; } = new();

    [Key(0)]
    public string HTTP { get; init; } = string.Empty;

    [Key(1)]
    public string Method { get; init; } = string.Empty;

    [Key(2)]
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Header { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    [Key(3)]
    public string Body { get; init; } = string.Empty;

    [Key(4)]
    public bool TLSSkipVerify { get; init; }

    [Key(5)]
    public string TCP { get; init; } = string.Empty;

    [Key(6)]
    public string GRPC { get; init; } = string.Empty;

    [Key(7)]
    public bool GRPCUseTLS { get; init; }

    [Key(8)]
    public string TTL { get; init; } = string.Empty;

    [Key(9)]
    public string Interval { get; init; } = string.Empty;

    [Key(10)]
    public string Timeout { get; init; } = string.Empty;

    [Key(11)]
    public string DeregisterCriticalServiceAfter { get; init; } = string.Empty;

    [Key(12)]
    public string AliasNode { get; init; } = string.Empty;

    [Key(13)]
    public string AliasService { get; init; } = string.Empty;

    /// <summary>
    /// A script check's command and arguments (Consul's <c>ScriptArgs</c>), run without a shell. Only agent
    /// registrations set it; Consul's <c>HealthCheckDefinition</c> does not show it, so neither does the JSON.
    /// </summary>
    [Key(14)]
    [JsonIgnore]
    public IReadOnlyList<string> ScriptArgs { get; init; } = EmptyMap.List;
}
