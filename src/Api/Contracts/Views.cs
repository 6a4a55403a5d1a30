using System.Text.Json.Serialization;
using Mesh.Fsm.Model;

namespace Mesh.Api.Contracts;

/// <summary>One row of <c>/v1/catalog/service/:name</c> (<c>structs.ServiceNode</c>): node and service fields flattened.</summary>
public sealed record ServiceNodeView
{
    [JsonPropertyName("ID")]
    public string Id { get; init; } = string.Empty;

    public string Node { get; init; } = string.Empty;

    public string Address { get; init; } = string.Empty;

    public string Datacenter { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> TaggedAddresses { get; init; } = EmptyMap.Strings;

    public IReadOnlyDictionary<string, string> NodeMeta { get; init; } = EmptyMap.Strings;

    public string ServiceKind { get; init; } = string.Empty;

    [JsonPropertyName("ServiceID")]
    public string ServiceId { get; init; } = string.Empty;

    public string ServiceName { get; init; } = string.Empty;

    public IReadOnlyList<string> ServiceTags { get; init; } = EmptyMap.List;

    public string ServiceAddress { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, ServiceAddress> ServiceTaggedAddresses { get; init; } = new Dictionary<string, ServiceAddress>();

    public ServiceWeights ServiceWeights { get; init; } = ServiceWeights.Default;

    public IReadOnlyDictionary<string, string> ServiceMeta { get; init; } = EmptyMap.Strings;

    public int ServicePort { get; init; }

    public string ServiceSocketPath { get; init; } = string.Empty;

    public bool ServiceEnableTagOverride { get; init; }

    public ConnectProxyConfig ServiceProxy { get; init; } = ConnectProxyConfig.Empty;

    public ServiceConnect ServiceConnect { get; init; } = ServiceConnect.Empty;

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }

    public static ServiceNodeView From(Node node, NodeService service) => new()
    {
        Id = node.Id,
        Node = node.Name,
        Address = node.Address,
        Datacenter = node.Datacenter,
        TaggedAddresses = node.TaggedAddresses,
        NodeMeta = node.Meta,
        ServiceKind = service.Kind,
        ServiceId = service.Id,
        ServiceName = service.Service,
        ServiceTags = service.Tags,
        ServiceAddress = service.Address,
        ServiceTaggedAddresses = service.TaggedAddresses,
        ServiceWeights = service.Weights,
        ServiceMeta = service.Meta,
        ServicePort = service.Port,
        ServiceSocketPath = service.SocketPath,
        ServiceEnableTagOverride = service.EnableTagOverride,
        ServiceProxy = service.Proxy,
        ServiceConnect = service.Connect,
        CreateIndex = service.CreateIndex,
        ModifyIndex = service.ModifyIndex,
    };
}

/// <summary>One row of <c>/v1/health/service/:name</c> (<c>structs.CheckServiceNode</c>).</summary>
public sealed record CheckServiceNodeView(Node Node, NodeService Service, IReadOnlyList<HealthCheck> Checks);

/// <summary><c>/v1/catalog/node/:node</c>: the node and its services by ID.</summary>
public sealed record NodeServicesView(Node Node, IReadOnlyDictionary<string, NodeService> Services);

/// <summary><c>/v1/catalog/node-services/:node</c>: the node and its services as a list.</summary>
public sealed record NodeServiceListView(Node Node, IReadOnlyList<NodeService> Services);

/// <summary>A service as <c>/v1/agent/services</c> shows it (<c>api.AgentService</c>).</summary>
public sealed record AgentServiceView
{
    public string Kind { get; init; } = string.Empty;

    [JsonPropertyName("ID")]
    public string Id { get; init; } = string.Empty;

    public string Service { get; init; } = string.Empty;

    public IReadOnlyList<string> Tags { get; init; } = EmptyMap.List;

    public IReadOnlyDictionary<string, string> Meta { get; init; } = EmptyMap.Strings;

    public int Port { get; init; }

    public string Address { get; init; } = string.Empty;

    public string SocketPath { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, ServiceAddress> TaggedAddresses { get; init; } = new Dictionary<string, ServiceAddress>();

    public ServiceWeights Weights { get; init; } = ServiceWeights.Default;

    public bool EnableTagOverride { get; init; }

    public ConnectProxyConfig Proxy { get; init; } = ConnectProxyConfig.Empty;

    public ServiceConnect Connect { get; init; } = ServiceConnect.Empty;

    public string Datacenter { get; init; } = string.Empty;

    public static AgentServiceView From(NodeService service, string datacenter) => new()
    {
        Kind = service.Kind,
        Id = service.Id,
        Service = service.Service,
        Tags = service.Tags,
        Meta = service.Meta,
        Port = service.Port,
        Address = service.Address,
        SocketPath = service.SocketPath,
        TaggedAddresses = service.TaggedAddresses,
        Weights = service.Weights,
        EnableTagOverride = service.EnableTagOverride,
        Proxy = service.Proxy,
        Connect = service.Connect,
        Datacenter = datacenter,
    };
}

/// <summary><c>/v1/agent/self</c>: the parts clients read (Config, Member, xDS).</summary>
public sealed record AgentSelfView(AgentSelfConfig Config, AgentSelfMember Member, IReadOnlyDictionary<string, string> Meta, AgentSelfXds XDS)
{
    /// <summary>Consul's runtime configuration dump: the keys clients read (ports, addresses, modes).</summary>
    public System.Text.Json.JsonElement DebugConfig { get; init; }

    /// <summary>Consul's <c>Stats</c>: sections (agent, build, consul, raft, runtime) of string values, as <c>consul info</c> prints them.</summary>
    public System.Text.Json.JsonElement Stats { get; init; }
}

public sealed record AgentSelfConfig
{
    public string Datacenter { get; init; } = string.Empty;

    public string PrimaryDatacenter { get; init; } = string.Empty;

    public string NodeName { get; init; } = string.Empty;

    [JsonPropertyName("NodeID")]
    public string NodeId { get; init; } = string.Empty;

    public bool Server { get; init; } = true;

    public string Revision { get; init; } = string.Empty;

    public string Version { get; init; } = string.Empty;

    public string MeshVersion { get; init; } = string.Empty;
}

public sealed record AgentSelfMember(string Name, string Addr, int Port, IReadOnlyDictionary<string, string> Tags, int Status);

public sealed record AgentSelfXds(IReadOnlyDictionary<string, IReadOnlyList<string>> SupportedProxies, int Port, AgentSelfXdsPorts Ports);

public sealed record AgentSelfXdsPorts(int Plaintext, int TLS);
