using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>mesh</c> (Consul's <c>MeshConfigEntry</c>): mesh-wide settings; there is one, named <c>mesh</c>.</summary>
public sealed record MeshEntry : IConfigEntryDocument
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Kind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    public MeshTransparentProxyConfig? TransparentProxy { get; init; }

    [OmitEmpty]
    [JsonPropertyName("AllowEnablingPermissiveMutualTLS")]
    public bool AllowEnablingPermissiveMutualTls { get; init; }

    [OmitEmpty]
    public bool ValidateClusters { get; init; }

    [OmitEmpty]
    [JsonPropertyName("TLS")]
    public MeshTlsConfig? Tls { get; init; }

    [OmitEmpty]
    [JsonPropertyName("HTTP")]
    public MeshHttpConfig? Http { get; init; }

    [OmitEmpty]
    public MeshPeeringConfig? Peering { get; init; }

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

public sealed record MeshTransparentProxyConfig
{
    public bool MeshDestinationsOnly { get; init; }
}

public sealed record MeshTlsConfig
{
    [OmitEmpty]
    public MeshDirectionalTlsConfig? Incoming { get; init; }

    [OmitEmpty]
    public MeshDirectionalTlsConfig? Outgoing { get; init; }
}

public sealed record MeshDirectionalTlsConfig
{
    [OmitEmpty]
    [JsonPropertyName("TLSMinVersion")]
    public string? TlsMinVersion { get; init; }

    [OmitEmpty]
    [JsonPropertyName("TLSMaxVersion")]
    public string? TlsMaxVersion { get; init; }

    [OmitEmpty]
    public List<string>? CipherSuites { get; init; }
}

public sealed record MeshHttpConfig
{
    public bool SanitizeXForwardedClientCert { get; init; }

    [OmitEmpty]
    public MeshDirectionalHttpConfig? Incoming { get; init; }
}

public sealed record MeshDirectionalHttpConfig
{
    [OmitEmpty]
    public MeshRequestNormalization? RequestNormalization { get; init; }
}

public sealed record MeshRequestNormalization
{
    public bool InsecureDisablePathNormalization { get; init; }

    public bool MergeSlashes { get; init; }

    public string? PathWithEscapedSlashesAction { get; init; }

    public string? HeadersWithUnderscoresAction { get; init; }
}

public sealed record MeshPeeringConfig
{
    public bool PeerThroughMeshGateways { get; init; }
}
