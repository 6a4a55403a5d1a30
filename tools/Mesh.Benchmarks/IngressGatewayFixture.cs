using System.Text.Json.Nodes;
using Mesh.Ca.Config;
using Mesh.Ca.Leaves;
using Mesh.Ca.Roots;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg;
using Mesh.Server;

namespace Mesh.Benchmarks;

/// <summary>
/// A store built through <see cref="StateMachine.Apply"/> with real commands, the ingress counterpart of
/// <see cref="ProxyCfgFixture"/>: a generated CA root, 500 services declared <c>http</c> by service-defaults, each with
/// 3 instances and their sidecars on their own nodes with passing checks, and two ingress gateways: one whose entry
/// exposes the first 50 services on one http listener, one exposing all 500.
/// </summary>
public sealed class IngressGatewayFixture
{
    public const int Services = 500;
    public const int InstancesPerService = 3;

    private static readonly Lazy<IngressGatewayFixture> Shared = new(() => new IngressGatewayFixture());

    private readonly StateMachine _fsm = new();
    private long _index;

    private IngressGatewayFixture()
    {
        Apply(new CaSetStateCommand { State = CaStatePlanner.Initial(CaProviderConfig.Default, DateTimeOffset.UtcNow) });
        for (var s = 0; s < Services; s++)
        {
            var service = ServiceName(s);
            ConfigEntry($$"""{"Kind":"service-defaults","Name":"{{service}}","Protocol":"http"}""");
            for (var i = 0; i < InstancesPerService; i++)
            {
                RegisterInstance(service, $"node-{service}-{i}", $"127.{2 + (s / 250)}.{s % 250}.{i + 1}");
            }
        }

        foreach (var exposed in new[] { ProxyCfgFixture.Upstreams, Services })
        {
            var gateway = GatewayName(exposed);
            var services = string.Join(",", Enumerable.Range(0, exposed).Select(s => $$"""{"Name":"{{ServiceName(s)}}"}"""));
            ConfigEntry($$"""{"Kind":"ingress-gateway","Name":"{{gateway}}","Listeners":[{"Port":8080,"Protocol":"http","Services":[{{services}}]}]}""");
            Apply(new RegisterCommand
            {
                Node = "node-edge",
                Address = "127.0.0.20",
                Datacenter = "dc1",
                Service = new NodeService { Kind = ServiceKind.IngressGateway, Id = gateway + "-1", Service = gateway, Port = 8443 },
                Checks = [],
            });
        }
    }

    public static IngressGatewayFixture Instance => Shared.Value;

    public StoreState State => _fsm.Current;

    /// <summary>The gateway leaf: the builder and generator only carry its PEMs, so the sidecar fixture's serves.</summary>
    public IssuedLeaf Leaf => ProxyCfgFixture.Instance.Leaf;

    public AgentIdentity Self => ProxyCfgFixture.Instance.Self;

    public static ProxyId GatewayWith(int services) => services is ProxyCfgFixture.Upstreams or Services
        ? new ProxyId("node-edge", GatewayName(services) + "-1")
        : throw new ArgumentOutOfRangeException(nameof(services), "the fixture has gateways exposing 50 and 500 services");

    private static string GatewayName(int services) => $"ingress-{services}";

    private static string ServiceName(int service) => $"svc-{service:D3}";

    private void Apply(Command command)
    {
        var result = _fsm.Apply(++_index, new LogRecord { Command = command });
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"fixture command refused: {result.Error}");
        }
    }

    private void ConfigEntry(string json) => Apply(new UpsertConfigEntryCommand { Entry = ConfigEntryKinds.Decode(JsonNode.Parse(json)!.AsObject()).ToEntry() });

    private void RegisterInstance(string service, string node, string address)
    {
        Register(node, address, new NodeService { Id = service, Service = service, Port = 5000 }, "app");
        Register(node, address, new NodeService
        {
            Kind = ServiceKind.ConnectProxy,
            Id = service + "-sidecar-proxy",
            Service = service + "-sidecar-proxy",
            Port = 21000,
            Proxy = new ConnectProxyConfig { DestinationServiceName = service, DestinationServiceID = service, LocalServicePort = 5000 },
        }, "proxy");
    }

    private void Register(string node, string address, NodeService service, string check) => Apply(new RegisterCommand
    {
        Node = node,
        Address = address,
        Datacenter = "dc1",
        Service = service,
        Checks = [new HealthCheck { CheckId = "service:" + service.Id, Name = check, Status = HealthStatus.Passing, Node = node, ServiceId = service.Id, ServiceName = service.Service }],
    });
}
