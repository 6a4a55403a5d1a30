using System.Text.Json.Serialization;
using MessagePack;

namespace Mesh.Fsm.Model;

/// <summary>Service kinds as Consul spells them; the empty string is a typical service.</summary>
public static class ServiceKind
{
    public const string Typical = "";
    public const string ConnectProxy = "connect-proxy";
    public const string MeshGateway = "mesh-gateway";
    public const string TerminatingGateway = "terminating-gateway";
    public const string IngressGateway = "ingress-gateway";
    public const string ApiGateway = "api-gateway";

    public static bool IsValid(string? kind)
        => kind is null or Typical or ConnectProxy or MeshGateway or TerminatingGateway or IngressGateway or ApiGateway;
}

/// <summary>A service instance on a node (Consul's <c>structs.NodeService</c>).</summary>
[MessagePackObject]
public sealed record NodeService
{
    [Key(0)]
    public string Kind { get; init; } = ServiceKind.Typical;

    [Key(1)]
    [JsonPropertyName("ID")]
    public string Id { get; init; } = string.Empty;

    [Key(2)]
    public string Service { get; init; } = string.Empty;

    [Key(3)]
    public IReadOnlyList<string> Tags { get; init; } = EmptyMap.List;

    [Key(4)]
    public string Address { get; init; } = string.Empty;

    [Key(5)]
    public IReadOnlyDictionary<string, ServiceAddress> TaggedAddresses { get; init; } = new Dictionary<string, ServiceAddress>();

    [Key(6)]
    public IReadOnlyDictionary<string, string> Meta { get; init; } = EmptyMap.Strings;

    [Key(7)]
    public int Port { get; init; }

    [Key(8)]
    public string SocketPath { get; init; } = string.Empty;

    [Key(9)]
    public ServiceWeights Weights { get; init; } = ServiceWeights.Default;

    [Key(10)]
    public bool EnableTagOverride { get; init; }

    [Key(11)]
    public ConnectProxyConfig Proxy { get; init; } = ConnectProxyConfig.Empty;

    [Key(12)]
    public ServiceConnect Connect { get; init; } = ServiceConnect.Empty;

    [Key(13)]
    public long CreateIndex { get; init; }

    [Key(14)]
    public long ModifyIndex { get; init; }

    /// <summary>The service name that Connect traffic for this instance is addressed to, if any.</summary>
    [IgnoreMember]
    [JsonIgnore]
    public string? ConnectDestination => Kind == ServiceKind.ConnectProxy
        ? (string.IsNullOrEmpty(Proxy.DestinationServiceName) ? null : Proxy.DestinationServiceName)
        : Connect.Native ? Service : null;
}

/// <summary>An address and port pair (<c>structs.ServiceAddress</c>).</summary>
[MessagePackObject]
public sealed record ServiceAddress
{
    [Key(0)]
    public string Address { get; init; } = string.Empty;

    [Key(1)]
    public int Port { get; init; }
}

/// <summary>DNS SRV weights by health (<c>structs.Weights</c>).</summary>
[MessagePackObject]
public sealed record ServiceWeights
{
    public static ServiceWeights Default { get; } = new() { Passing = 1, Warning = 1 };

    [Key(0)]
    public int Passing { get; init; }

    [Key(1)]
    public int Warning { get; init; }
}

/// <summary>Connect settings of a service (<c>structs.ServiceConnect</c>); the sidecar definition is expanded at the API and never stored.</summary>
[MessagePackObject]
public sealed record ServiceConnect
{
    public static ServiceConnect Empty { get; } = new();

    [Key(0)]
    public bool Native { get; init; }
}
