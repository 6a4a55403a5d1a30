using System.Text.Json.Nodes;
using Mesh.Ca.Config;
using Mesh.Ca.Leaves;
using Mesh.Ca.Roots;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;

namespace Mesh.ProxyCfg.Tests.Support;

/// <summary>A real state machine fed real commands, with helpers for the usual web -> db mesh.</summary>
internal sealed class MeshStore
{
    public const string Datacenter = "dc1";

    private long _index;

    public StateMachine Fsm { get; } = new();

    public StoreState State => Fsm.Current;

    public static AgentIdentity Self(string? defaultIntentionPolicy = null) => new()
    {
        NodeName = "server-1",
        NodeId = "00000000-0000-0000-0000-000000000001",
        Datacenter = Datacenter,
        AdvertiseAddress = "127.0.0.1",
        ServerEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 8300),
        DefaultIntentionPolicy = defaultIntentionPolicy,
    };

    /// <summary>A leaf as the leaf cache would hand it out (the builder only carries it).</summary>
    public static IssuedLeaf Leaf(string service = "web", long index = 10) => new()
    {
        SerialNumber = "0a",
        CertPem = "-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n",
        PrivateKeyPem = "-----BEGIN EC PRIVATE KEY-----\nkey\n-----END EC PRIVATE KEY-----\n",
        Service = service,
        ServiceUri = $"spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/{service}",
        ValidAfter = DateTimeOffset.UnixEpoch,
        ValidBefore = DateTimeOffset.UnixEpoch.AddDays(3),
        SigningKeyId = "key",
        RenewAt = DateTimeOffset.UnixEpoch.AddDays(2),
        CreateIndex = index,
        ModifyIndex = index,
    };

    public ApplyResult Apply(Command command)
    {
        var result = Fsm.Apply(++_index, new LogRecord { Command = command });
        Assert.True(result.Succeeded, result.Error);
        return result;
    }

    /// <summary>A real CA state (generated root), as the leader would write it.</summary>
    public CaState InitializeCa()
    {
        var ca = CaStatePlanner.Initial(CaProviderConfig.Default, DateTimeOffset.UtcNow);
        Apply(new CaSetStateCommand { State = ca });
        return State.Ca!;
    }

    public void ConfigEntry(string json)
    {
        var parsed = ConfigEntryKinds.Decode(JsonNode.Parse(json)!.AsObject());
        Apply(new UpsertConfigEntryCommand { Entry = new ConfigEntry { Kind = parsed.Kind, Name = parsed.Name, Body = parsed.Body } });
    }

    public void Register(string node, string address, NodeService service, params HealthCheck[] checks)
        => Apply(new RegisterCommand
        {
            Node = node,
            Address = address,
            Datacenter = Datacenter,
            Service = service,
            Checks = [.. checks.Select(c => c with { Node = node, ServiceId = c.ServiceId.Length > 0 ? c.ServiceId : service.Id, ServiceName = service.Service })],
        });

    /// <summary><c>web</c> and its sidecar on node-web, the sidecar declaring the given upstreams.</summary>
    public ProxyId RegisterWeb(string mode = "", JsonBlob? config = null, params Upstream[] upstreams)
    {
        Register("node-web", "127.0.0.10", new NodeService { Id = "web", Service = "web", Port = 8080 });
        Register("node-web", "127.0.0.10", Sidecar("web", "web", 21000, mode, config, upstreams));
        return new ProxyId("node-web", "web-sidecar-proxy");
    }

    /// <summary>An instance of <paramref name="service"/> and its sidecar on its own node, with a passing check on each.</summary>
    public void RegisterInstance(string service, string node, string address, IReadOnlyDictionary<string, string>? meta = null, string proxyCheckStatus = HealthStatus.Passing)
    {
        Register(node, address, new NodeService { Id = service, Service = service, Port = 5000, Meta = meta ?? EmptyMap.Strings },
            new HealthCheck { CheckId = "service:" + service, Name = "app", Status = HealthStatus.Passing });
        Register(node, address, Sidecar(service, service, 21000, string.Empty, null, []),
            new HealthCheck { CheckId = "service:" + service + "-sidecar-proxy", Name = "proxy", Status = proxyCheckStatus });
    }

    public static Upstream UpstreamTo(string name, int port, string config = "{}")
        => new() { DestinationName = name, LocalBindAddress = "127.0.0.1", LocalBindPort = port, Config = new JsonBlob(config) };

    private static NodeService Sidecar(string service, string serviceId, int port, string mode, JsonBlob? config, Upstream[] upstreams) => new()
    {
        Kind = ServiceKind.ConnectProxy,
        Id = serviceId + "-sidecar-proxy",
        Service = service + "-sidecar-proxy",
        Port = port,
        Proxy = new ConnectProxyConfig
        {
            DestinationServiceName = service,
            DestinationServiceID = serviceId,
            LocalServiceAddress = "127.0.0.1",
            LocalServicePort = 8080,
            Mode = mode,
            Config = config ?? JsonBlob.EmptyObject,
            Upstreams = upstreams,
        },
    };
}
