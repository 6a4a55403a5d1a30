using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Api.Contracts;

/// <summary>Body of <c>PUT /v1/catalog/register</c> (<c>structs.RegisterRequest</c>).</summary>
public sealed class RegisterRequestBody
{
    [JsonPropertyName("ID")]
    public string? Id { get; set; }

    public string? Node { get; set; }

    public string? Address { get; set; }

    public string? Datacenter { get; set; }

    public Dictionary<string, string>? TaggedAddresses { get; set; }

    public Dictionary<string, string>? NodeMeta { get; set; }

    public ServiceBody? Service { get; set; }

    public CheckBody? Check { get; set; }

    public List<CheckBody>? Checks { get; set; }

    public bool SkipNodeUpdate { get; set; }
}

/// <summary>A service as the catalog takes it (<c>structs.NodeService</c>).</summary>
public sealed class ServiceBody
{
    public string? Kind { get; set; }

    [JsonPropertyName("ID")]
    public string? Id { get; set; }

    public string? Service { get; set; }

    public List<string>? Tags { get; set; }

    public string? Address { get; set; }

    public Dictionary<string, ServiceAddressBody>? TaggedAddresses { get; set; }

    public Dictionary<string, string>? Meta { get; set; }

    public int Port { get; set; }

    public string? SocketPath { get; set; }

    public WeightsBody? Weights { get; set; }

    public bool EnableTagOverride { get; set; }

    public ProxyBody? Proxy { get; set; }

    public ConnectBody? Connect { get; set; }
}

public sealed class ServiceAddressBody
{
    public string? Address { get; set; }

    public int Port { get; set; }
}

public sealed class WeightsBody
{
    public int Passing { get; set; }

    public int Warning { get; set; }
}

/// <summary><c>structs.ConnectProxyConfig</c> as input.</summary>
public sealed class ProxyBody
{
    public string? DestinationServiceName { get; set; }

    [JsonPropertyName("DestinationServiceID")]
    public string? DestinationServiceId { get; set; }

    public string? LocalServiceAddress { get; set; }

    public int LocalServicePort { get; set; }

    public string? LocalServiceSocketPath { get; set; }

    public string? Mode { get; set; }

    public JsonElement? Config { get; set; }

    public List<UpstreamBody>? Upstreams { get; set; }

    public MeshGatewayBody? MeshGateway { get; set; }

    public TransparentProxyBody? TransparentProxy { get; set; }

    public ExposeBody? Expose { get; set; }
}

public sealed class UpstreamBody
{
    public string? DestinationType { get; set; }

    public string? DestinationNamespace { get; set; }

    public string? DestinationName { get; set; }

    public string? DestinationPeer { get; set; }

    public string? Datacenter { get; set; }

    public string? LocalBindAddress { get; set; }

    public int LocalBindPort { get; set; }

    public string? LocalBindSocketPath { get; set; }

    public JsonElement? Config { get; set; }

    public MeshGatewayBody? MeshGateway { get; set; }
}

public sealed class MeshGatewayBody
{
    public string? Mode { get; set; }
}

public sealed class TransparentProxyBody
{
    public int OutboundListenerPort { get; set; }

    public bool DialedDirectly { get; set; }
}

public sealed class ExposeBody
{
    public bool Checks { get; set; }

    public List<ExposePathBody>? Paths { get; set; }
}

public sealed class ExposePathBody
{
    public int ListenerPort { get; set; }

    public string? Path { get; set; }

    public int LocalPathPort { get; set; }

    public string? Protocol { get; set; }
}

/// <summary><c>structs.ServiceConnect</c>; <c>SidecarService</c> only means something to the agent endpoint.</summary>
public sealed class ConnectBody
{
    public bool Native { get; set; }

    public ServiceDefinitionBody? SidecarService { get; set; }
}

/// <summary>
/// A check as either the catalog (<c>structs.HealthCheck</c>) or the agent (<c>structs.CheckType</c>) takes it: the agent
/// form carries the definition fields (TTL, HTTP, TCP, ...) inline, the catalog form under <see cref="Definition"/>.
/// </summary>
public sealed class CheckBody : CheckDefinitionBody
{
    public string? Node { get; set; }

    [JsonPropertyName("CheckID")]
    public string? CheckId { get; set; }

    /// <summary>The agent API's spelling of <see cref="CheckId"/>.</summary>
    [JsonPropertyName("ID")]
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Status { get; set; }

    public string? Notes { get; set; }

    public string? Output { get; set; }

    [JsonPropertyName("ServiceID")]
    public string? ServiceId { get; set; }

    public string? ServiceName { get; set; }

    public string? Type { get; set; }

    public CheckDefinitionBody? Definition { get; set; }

    /// <summary>A script check's command (the Go client's <c>Args</c> is sent as <c>ScriptArgs</c>).</summary>
    public List<string>? ScriptArgs { get; set; }

    /// <summary>Consul's config-file and agent spelling of <see cref="ScriptArgs"/>.</summary>
    public List<string>? Args { get; set; }

    /// <summary>The shell of a Docker check (Consul uses it only with <see cref="DockerContainerId"/>).</summary>
    public string? Shell { get; set; }

    [JsonPropertyName("DockerContainerID")]
    public string? DockerContainerId { get; set; }
}

/// <summary><c>structs.HealthCheckDefinition</c> as input.</summary>
public class CheckDefinitionBody
{
    public string? HTTP { get; set; }

    public string? Method { get; set; }

    public Dictionary<string, List<string>>? Header { get; set; }

    public string? Body { get; set; }

    public bool TLSSkipVerify { get; set; }

    public string? TCP { get; set; }

    public string? GRPC { get; set; }

    public bool GRPCUseTLS { get; set; }

    public string? TTL { get; set; }

    public string? Interval { get; set; }

    public string? Timeout { get; set; }

    public string? DeregisterCriticalServiceAfter { get; set; }

    public string? AliasNode { get; set; }

    public string? AliasService { get; set; }
}

/// <summary>Body of <c>PUT /v1/catalog/deregister</c>.</summary>
public sealed class DeregisterBody
{
    public string? Node { get; set; }

    public string? Datacenter { get; set; }

    [JsonPropertyName("ServiceID")]
    public string? ServiceId { get; set; }

    [JsonPropertyName("CheckID")]
    public string? CheckId { get; set; }
}

/// <summary>Body of <c>PUT /v1/agent/service/register</c> (<c>structs.ServiceDefinition</c>).</summary>
public sealed class ServiceDefinitionBody
{
    public string? Kind { get; set; }

    [JsonPropertyName("ID")]
    public string? Id { get; set; }

    public string? Name { get; set; }

    public List<string>? Tags { get; set; }

    public string? Address { get; set; }

    public Dictionary<string, ServiceAddressBody>? TaggedAddresses { get; set; }

    public Dictionary<string, string>? Meta { get; set; }

    public int? Port { get; set; }

    public string? SocketPath { get; set; }

    public CheckBody? Check { get; set; }

    public List<CheckBody>? Checks { get; set; }

    public WeightsBody? Weights { get; set; }

    public string? Token { get; set; }

    public bool EnableTagOverride { get; set; }

    public ProxyBody? Proxy { get; set; }

    public ConnectBody? Connect { get; set; }
}

/// <summary>Body of <c>PUT /v1/agent/check/update/:id</c>.</summary>
public sealed class CheckUpdateBody
{
    public string? Status { get; set; }

    public string? Output { get; set; }
}
