using System.Text.Json.Serialization;
using MessagePack;

namespace Mesh.Fsm.Model;

/// <summary>Proxy settings of a connect-proxy service (<c>structs.ConnectProxyConfig</c>).</summary>
[MessagePackObject]
public sealed record ConnectProxyConfig
{
    public static ConnectProxyConfig Empty { get; } = new();

    [Key(0)]
    [JsonIgnore]
    public string DestinationServiceName { get; init; } = string.Empty;

    [Key(1)]
    [JsonIgnore]
    public string DestinationServiceID { get; init; } = string.Empty;

    [Key(2)]
    [JsonIgnore]
    public string LocalServiceAddress { get; init; } = string.Empty;

    [Key(3)]
    [JsonIgnore]
    public int LocalServicePort { get; init; }

    [Key(4)]
    [JsonIgnore]
    public string LocalServiceSocketPath { get; init; } = string.Empty;

    /// <summary><c>""</c>, <c>direct</c> or <c>transparent</c>.</summary>
    [Key(5)]
    [JsonIgnore]
    public string Mode { get; init; } = string.Empty;

    [Key(6)]
    [JsonIgnore]
    public JsonBlob Config { get; init; } = JsonBlob.EmptyObject;

    [Key(7)]
    [JsonIgnore]
    public IReadOnlyList<Upstream> Upstreams { get; init; } = [];

    [Key(8)]
    public MeshGatewayConfig MeshGateway { get; init; } = MeshGatewayConfig.Empty;

    [Key(9)]
    [JsonIgnore]
    public TransparentProxyConfig TransparentProxy { get; init; } = TransparentProxyConfig.Empty;

    [Key(10)]
    public ExposeConfig Expose { get; init; } = ExposeConfig.Empty;

    // Consul's JSON (structs.ConnectProxyConfig) omits these when empty (Go's omitempty; TransparentProxy when zero):
    // write-only views for the HTTP API, never stored.
    [IgnoreMember, JsonPropertyName("DestinationServiceName"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DestinationServiceNameJson => DestinationServiceName.Length == 0 ? null : DestinationServiceName;

    [IgnoreMember, JsonPropertyName("DestinationServiceID"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DestinationServiceIdJson => DestinationServiceID.Length == 0 ? null : DestinationServiceID;

    [IgnoreMember, JsonPropertyName("LocalServiceAddress"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LocalServiceAddressJson => LocalServiceAddress.Length == 0 ? null : LocalServiceAddress;

    [IgnoreMember, JsonPropertyName("LocalServicePort"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LocalServicePortJson => LocalServicePort == 0 ? null : LocalServicePort;

    [IgnoreMember, JsonPropertyName("LocalServiceSocketPath"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LocalServiceSocketPathJson => LocalServiceSocketPath.Length == 0 ? null : LocalServiceSocketPath;

    [IgnoreMember, JsonPropertyName("Mode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ModeJson => Mode.Length == 0 ? null : Mode;

    [IgnoreMember, JsonPropertyName("Config"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonBlob? ConfigJson => Config.IsEmpty ? null : Config;

    [IgnoreMember, JsonPropertyName("Upstreams"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Upstream>? UpstreamsJson => Upstreams.Count == 0 ? null : Upstreams;

    [IgnoreMember, JsonPropertyName("TransparentProxy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TransparentProxyConfig? TransparentProxyJson => TransparentProxy.OutboundListenerPort == 0 && !TransparentProxy.DialedDirectly ? null : TransparentProxy;
}

/// <summary>An explicit upstream of a proxy (<c>structs.Upstream</c>).</summary>
[MessagePackObject]
public sealed record Upstream
{
    [Key(0)]
    public string DestinationType { get; init; } = "service";

    [Key(1)]
    public string DestinationNamespace { get; init; } = string.Empty;

    [Key(2)]
    public string DestinationName { get; init; } = string.Empty;

    [Key(3)]
    public string Datacenter { get; init; } = string.Empty;

    [Key(4)]
    public string LocalBindAddress { get; init; } = string.Empty;

    [Key(5)]
    public int LocalBindPort { get; init; }

    [Key(6)]
    public string LocalBindSocketPath { get; init; } = string.Empty;

    [Key(7)]
    public JsonBlob Config { get; init; } = JsonBlob.EmptyObject;

    [Key(8)]
    public MeshGatewayConfig MeshGateway { get; init; } = MeshGatewayConfig.Empty;

    [Key(9)]
    public string DestinationPeer { get; init; } = string.Empty;
}

/// <summary><c>structs.MeshGatewayConfig</c>: <c>""</c>, <c>none</c>, <c>local</c> or <c>remote</c>.</summary>
[MessagePackObject]
public sealed record MeshGatewayConfig
{
    public static MeshGatewayConfig Empty { get; } = new();

    [Key(0)]
    public string Mode { get; init; } = string.Empty;
}

/// <summary><c>structs.TransparentProxyConfig</c>.</summary>
[MessagePackObject]
public sealed record TransparentProxyConfig
{
    public static TransparentProxyConfig Empty { get; } = new();

    [Key(0)]
    public int OutboundListenerPort { get; init; }

    [Key(1)]
    public bool DialedDirectly { get; init; }
}

/// <summary><c>structs.ExposeConfig</c>: paths exposed through the proxy without mTLS (health checks, metrics).</summary>
[MessagePackObject]
public sealed record ExposeConfig
{
    public static ExposeConfig Empty { get; } = new();

    [Key(0)]
    public bool Checks { get; init; }

    [Key(1)]
    public IReadOnlyList<ExposePath> Paths { get; init; } = [];
}

/// <summary><c>structs.ExposePath</c>.</summary>
[MessagePackObject]
public sealed record ExposePath
{
    [Key(0)]
    public int ListenerPort { get; init; }

    [Key(1)]
    public string Path { get; init; } = string.Empty;

    [Key(2)]
    public int LocalPathPort { get; init; }

    [Key(3)]
    public string Protocol { get; init; } = string.Empty;

    [Key(4)]
    public bool ParsedFromCheck { get; init; }
}
