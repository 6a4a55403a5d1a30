using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>
/// Mesh gateway scenarios after Consul's <c>testing_mesh_gateway.go</c> fixtures: gateway <c>mesh-gateway</c> at
/// 1.2.3.4:8443 (lan 1.2.3.4:8443, wan 198.18.0.1:443); local services foo and bar behind sidecars on port 2222; the
/// gateways of dc2, dc4 and dc6 as catalog rows of nodes in those datacenters (how Mesh learns other datacenters'
/// gateways), all written as store commands.
/// </summary>
internal static class MeshGatewayScenarios
{
    public static readonly ProxyId Gateway = new("node-mesh-gateway", "mesh-gateway");

    public static IReadOnlyDictionary<string, Action<MeshFixture>> All { get; } = new SortedDictionary<string, Action<MeshFixture>>(StringComparer.Ordinal)
    {
        ["mesh-gateway"] = f =>
        {
            RegisterGateway(f);
            LocalServices(f);
            RemoteGateways(f);
        },
        ["mesh-gateway-using-federation-states"] = f =>
        {
            // Consul fills dc2 from federation states when its cross-datacenter watch comes back empty; the gateways
            // reach the snapshot the same way here, so the output is the same (as Consul's files are byte-identical).
            RegisterGateway(f, meta: new Dictionary<string, string> { ["consul-wan-federation"] = "1" });
            LocalServices(f);
            RemoteGateways(f);
        },
        ["mesh-gateway-no-services"] = f => RegisterGateway(f),

        // proxy-defaults AccessLogs to stderr: listener logs and the tcp_proxy logs of every chain.
        ["mesh-gateway-access-logs"] = f =>
        {
            f.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","AccessLogs":{"Enabled":true,"Type":"stderr"}}""");
            RegisterGateway(f);
            LocalServices(f);
            RemoteGateways(f);
        },
        ["mesh-gateway-hash-lb-ignored"] = f =>
        {
            f.ConfigEntry("""
                {"Kind":"service-resolver","Name":"bar",
                 "Subsets":{"v1":{"Filter":"Service.Meta.Version == 1"},"v2":{"Filter":"Service.Meta.Version == 2","OnlyPassing":true}},
                 "LoadBalancer":{"Policy":"ring_hash","RingHashConfig":{"MinimumRingSize":20,"MaximumRingSize":50}}}
                """);
            RegisterGateway(f);
            LocalServices(f);
            RemoteGateways(f);
        },
    };

    public static void RegisterGateway(MeshFixture f, IReadOnlyDictionary<string, string>? meta = null)
    {
        f.Register(Gateway.NodeName, "127.0.0.30", new NodeService
        {
            Kind = ServiceKind.MeshGateway,
            Id = Gateway.ServiceId,
            Service = "mesh-gateway",
            Address = "1.2.3.4",
            Port = 8443,
            Meta = meta ?? EmptyMap.Strings,
            TaggedAddresses = new Dictionary<string, ServiceAddress>
            {
                ["lan"] = new() { Address = "1.2.3.4", Port = 8443 },
                ["wan"] = new() { Address = "198.18.0.1", Port = 443 },
            },
        });
        f.SnapshotProxy = Gateway;
    }

    /// <summary>foo at 172.16.1.3/.4/.5/.9 (versions 1, 1, 2, 2; .9 warning) and bar at .6/.7/.8 (1, 1, 2), sidecars on 2222.</summary>
    public static void LocalServices(MeshFixture f)
    {
        (string Service, string Address, string Version, string Status)[] instances =
        [
            ("foo", "172.16.1.3", "1", HealthStatus.Passing),
            ("foo", "172.16.1.4", "1", HealthStatus.Passing),
            ("foo", "172.16.1.5", "2", HealthStatus.Passing),
            ("foo", "172.16.1.9", "2", HealthStatus.Warning),
            ("bar", "172.16.1.6", "1", HealthStatus.Passing),
            ("bar", "172.16.1.7", "1", HealthStatus.Passing),
            ("bar", "172.16.1.8", "2", HealthStatus.Passing),
        ];
        foreach (var (service, address, version, status) in instances)
        {
            var node = "node-" + address;
            var meta = new Dictionary<string, string> { ["version"] = version };
            f.Register(node, address, new NodeService { Id = service, Service = service, Port = 8080, Meta = meta });
            f.Register(node, address, new NodeService
            {
                Kind = ServiceKind.ConnectProxy,
                Id = service + "-sidecar-proxy",
                Service = service + "-sidecar-proxy",
                Address = address,
                Port = 2222,
                Meta = meta,
                Proxy = new ConnectProxyConfig { DestinationServiceName = service, DestinationServiceID = service, LocalServicePort = 8080 },
            }, new HealthCheck { CheckId = "service:" + service + "-sidecar-proxy", Name = "proxy", Status = status });
        }
    }

    /// <summary>dc2: two gateways by IP; dc4: two by hostname and one by IP; dc6: one critical, by hostname.</summary>
    public static void RemoteGateways(MeshFixture f)
    {
        RegisterRemote(f, "dc2", "dc2-gw-1", "10.0.1.1", "198.18.1.1");
        RegisterRemote(f, "dc2", "dc2-gw-2", "10.0.1.2", "198.18.1.2");
        RegisterRemote(f, "dc4", "dc4-gw-1", "10.30.1.1", "123.us-west-2.elb.notaws.com");
        RegisterRemote(f, "dc4", "dc4-gw-2", "10.30.1.2", "456.us-west-2.elb.notaws.com");
        RegisterRemote(f, "dc4", "dc4-gw-3", "10.30.1.3", "198.38.1.1");
        RegisterRemote(f, "dc6", "dc6-gw-1", "10.40.1.1", "123.us-east-1.elb.notaws.com", HealthStatus.Critical);
    }

    /// <summary>A mesh gateway on a node of another datacenter: lan on 8443, wan on 443.</summary>
    public static void RegisterRemote(MeshFixture f, string datacenter, string node, string lan, string wan, string status = HealthStatus.Passing)
        => f.Apply(new RegisterCommand
        {
            Node = node,
            Address = lan,
            Datacenter = datacenter,
            Service = new NodeService
            {
                Kind = ServiceKind.MeshGateway,
                Id = "mesh-gateway",
                Service = "mesh-gateway",
                Address = lan,
                Port = 8443,
                TaggedAddresses = new Dictionary<string, ServiceAddress>
                {
                    ["lan"] = new() { Address = lan, Port = 8443 },
                    ["wan"] = new() { Address = wan, Port = 443 },
                },
            },
            Checks = [new HealthCheck { Node = node, CheckId = "service:mesh-gateway", Name = "gateway", Status = status, ServiceId = "mesh-gateway", ServiceName = "mesh-gateway" }],
        });
}
