using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>GatewayTLSConfig</c>: TLS on an ingress gateway or one of its listeners.</summary>
public sealed record GatewayTlsConfig
{
    public bool Enabled { get; init; }

    [OmitEmpty]
    [JsonPropertyName("SDS")]
    public GatewayTlsSdsConfig? Sds { get; init; }

    [OmitEmpty]
    [JsonPropertyName("TLSMinVersion")]
    public string? TlsMinVersion { get; init; }

    [OmitEmpty]
    [JsonPropertyName("TLSMaxVersion")]
    public string? TlsMaxVersion { get; init; }

    [OmitEmpty]
    public List<string>? CipherSuites { get; init; }
}

/// <summary><c>GatewayServiceTLSConfig</c>: a per-service certificate from SDS (no Enabled: the listener decides).</summary>
public sealed record GatewayServiceTlsConfig
{
    [OmitEmpty]
    [JsonPropertyName("SDS")]
    public GatewayTlsSdsConfig? Sds { get; init; }
}

/// <summary><c>GatewayTLSSDSConfig</c>: the SDS cluster and the certificate resource it serves.</summary>
public sealed record GatewayTlsSdsConfig
{
    [OmitEmpty]
    public string? ClusterName { get; init; }

    [OmitEmpty]
    public string? CertResource { get; init; }
}

/// <summary>
/// <c>PassiveHealthCheck</c>: outlier detection for the instances behind a gateway service. The durations are Go
/// <c>time.Duration</c>s, which Consul writes as nanoseconds; <c>MaxFailures</c> is always written, as Consul's.
/// </summary>
public sealed record PassiveHealthCheck
{
    [OmitEmpty]
    [JsonConverter(typeof(Mesh.Config.Durations.GoDurationNanosecondsConverter))]
    public string? Interval { get; init; }

    public uint MaxFailures { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? EnforcingConsecutive5xx { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? MaxEjectionPercent { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(Mesh.Config.Durations.GoDurationNanosecondsConverter))]
    public string? BaseEjectionTime { get; init; }
}
