using System.Text.Json.Nodes;
using Mesh.Ca.Leaves;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg;
using Mesh.Server;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>
/// A real state machine fed real commands (catalog registrations, config entries decoded and validated by their kinds,
/// a CA state with the fixed test root), and the real proxycfg builder on top: the fixtures of every scenario.
/// Shaped as Consul's xDS test fixture: proxy web-sidecar-proxy on port 9999 for web on 8080, datacenter dc1.
/// </summary>
internal sealed class MeshFixture
{
    public const string Datacenter = "dc1";
    public const string ClusterId = "11111111-2222-3333-4444-555555555555";
    public const string TrustDomain = ClusterId + ".consul";
    public static readonly ProxyId WebProxy = new("node-web", "web-sidecar-proxy");

    private long _index;

    public StateMachine Fsm { get; } = new();

    public StoreState State => Fsm.Current;

    /// <summary>Consul's <c>default_intention_policy</c>; deny unless a scenario says otherwise.</summary>
    public string DefaultIntentionPolicy { get; set; } = "deny";

    public MeshFixture()
    {
        Apply(new CaSetStateCommand { State = FixedCa() });
    }

    public static IssuedLeaf Leaf { get; } = new()
    {
        SerialNumber = "0a",
        CertPem = File.ReadAllText(TestPaths.TestData("leaf.pem")),
        PrivateKeyPem = File.ReadAllText(TestPaths.TestData("leaf-key.pem")),
        Service = "web",
        ServiceUri = $"spiffe://{TrustDomain}/ns/default/dc/{Datacenter}/svc/web",
        ValidAfter = DateTimeOffset.UnixEpoch,
        ValidBefore = DateTimeOffset.UnixEpoch.AddYears(100),
        SigningKeyId = "root",
        RenewAt = DateTimeOffset.UnixEpoch.AddYears(90),
        CreateIndex = 1,
        ModifyIndex = 1,
    };

    public void Apply(Command command)
    {
        var result = Fsm.Apply(++_index, new LogRecord { Command = command, StampedUnixMilliseconds = 1_700_000_000_000 });
        Assert.True(result.Succeeded, result.Error);
    }

    /// <summary>Writes a config entry as <c>PUT /v1/config</c> would: decoded (and validated) by its kind.</summary>
    public void ConfigEntry(string json)
    {
        var parsed = ConfigEntryKinds.Decode(JsonNode.Parse(json)!.AsObject());
        Apply(new UpsertConfigEntryCommand { Entry = parsed.ToEntry() });
    }

    /// <summary>The datacenter this fixture's catalog is (dc1; a second fixture stands for dc2's servers).</summary>
    public string NodeDatacenter { get; init; } = Datacenter;

    /// <summary>
    /// Connect health rows of services in other datacenters, by datacenter and service (what proxycfg's cross-datacenter
    /// watches hold); null: none. Scenarios fill it from another fixture's store (<c>HealthRows.Read</c>).
    /// </summary>
    public Func<string, string, IReadOnlyList<Mesh.Server.Federation.HealthRow>?>? RemoteRows { get; set; }

    public void Register(string node, string address, NodeService service, params HealthCheck[] checks)
        => Apply(new RegisterCommand
        {
            Node = node,
            Address = address,
            Datacenter = NodeDatacenter,
            Service = service,
            Checks = [.. checks.Select(c => c with { Node = node, ServiceId = service.Id, ServiceName = service.Service })],
        });

    /// <summary>web on 8080 and its sidecar on 9999 (address 0.0.0.0 as in Consul's fixture), with the given proxy settings.</summary>
    public void RegisterWeb(Func<ConnectProxyConfig, ConnectProxyConfig>? proxy = null, string address = "0.0.0.0", int port = 9999)
    {
        Register("node-web", "127.0.0.10", new NodeService { Id = "web", Service = "web", Port = 8080 });
        var config = new ConnectProxyConfig
        {
            DestinationServiceName = "web",
            DestinationServiceID = "web",
            LocalServicePort = 8080,
        };
        Register("node-web", "127.0.0.10", new NodeService
        {
            Kind = ServiceKind.ConnectProxy,
            Id = "web-sidecar-proxy",
            Service = "web-sidecar-proxy",
            Address = address,
            Port = port,
            Proxy = proxy is null ? config : proxy(config),
        });
    }

    /// <summary>An upstream bound on 127.0.0.1:<paramref name="port"/>.</summary>
    public static Upstream UpstreamTo(string name, int port, string config = "{}")
        => new() { DestinationName = name, LocalBindPort = port, Config = new JsonBlob(config) };

    /// <summary>An instance of <paramref name="service"/> with its sidecar at <paramref name="address"/>:8080, each with one check.</summary>
    public void RegisterInstance(
        string service,
        string node,
        string address,
        string status = HealthStatus.Passing,
        IReadOnlyDictionary<string, string>? meta = null,
        ServiceWeights? weights = null,
        string virtualIp = "")
    {
        var tagged = virtualIp.Length > 0
            ? new Dictionary<string, ServiceAddress> { ["virtual"] = new() { Address = virtualIp, Port = 8080 } }
            : new Dictionary<string, ServiceAddress>();
        Register(node, address, new NodeService { Id = service, Service = service, Port = 5000, Meta = meta ?? EmptyMap.Strings, TaggedAddresses = tagged },
            new HealthCheck { CheckId = "service:" + service, Name = "app", Status = HealthStatus.Passing });
        Register(node, address, new NodeService
        {
            Kind = ServiceKind.ConnectProxy,
            Id = service + "-sidecar-proxy",
            Service = service + "-sidecar-proxy",
            Address = address,
            Port = 8080,
            Meta = meta ?? EmptyMap.Strings,
            Weights = weights ?? ServiceWeights.Default,
            TaggedAddresses = tagged,
            Proxy = new ConnectProxyConfig { DestinationServiceName = service, DestinationServiceID = service, LocalServicePort = 5000 },
        }, new HealthCheck { CheckId = "service:" + service + "-sidecar-proxy", Name = "proxy", Status = status });
    }

    public AgentIdentity Self => new()
    {
        NodeName = "server-1",
        NodeId = "00000000-0000-0000-0000-000000000001",
        Datacenter = Datacenter,
        AdvertiseAddress = "127.0.0.1",
        ServerEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 8300),
        DefaultIntentionPolicy = DefaultIntentionPolicy,
    };

    /// <summary>The proxy whose snapshot <see cref="Snapshot"/> builds: web's sidecar unless a gateway scenario says otherwise.</summary>
    public ProxyId SnapshotProxy { get; set; } = WebProxy;

    /// <summary>A terminating gateway's leaf for each linked service (null: none issued yet); unset for other proxies.</summary>
    public Func<string, IssuedLeaf?>? ServiceLeaf { get; set; }

    /// <summary>The snapshot of <see cref="SnapshotProxy"/>, built by proxycfg from the current state.</summary>
    public ConfigSnapshot Snapshot()
    {
        var snapshot = ServiceLeaf is { } serviceLeaf
            ? SnapshotBuilder.Build(State, SnapshotProxy, Leaf, Self, serviceLeaf)
            : RemoteRows is { } remoteRows
                ? SnapshotBuilder.Build(State, SnapshotProxy, Leaf, Self, remoteRows)
                : SnapshotBuilder.Build(State, SnapshotProxy, Leaf, Self);
        Assert.NotNull(snapshot);
        return snapshot;
    }

    private static CaState FixedCa() => new()
    {
        ClusterId = ClusterId,
        TrustDomain = TrustDomain,
        Roots =
        [
            new CaRoot
            {
                Id = "root",
                Name = "Mesh CA Primary Cert",
                SerialNumber = "1",
                SigningKeyId = "root",
                RootCert = File.ReadAllText(TestPaths.TestData("root.pem")),
                PrivateKey = File.ReadAllText(TestPaths.TestData("root-key.pem")),
                Active = true,
                NotBeforeUnixMilliseconds = 0,
                NotAfterUnixMilliseconds = DateTimeOffset.UnixEpoch.AddYears(100).ToUnixTimeMilliseconds(),
            },
        ],
    };
}
