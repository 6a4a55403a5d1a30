using Mesh.Fsm.Model;
using Mesh.ProxyCfg.Tests.Support;
using Mesh.Server.Federation;

namespace Mesh.ProxyCfg.Tests;

/// <summary>
/// Upstream targets in another datacenter by mesh gateway mode (none: its instances; remote: its gateways at their
/// WAN address; local: this datacenter's gateways at their LAN address, health from the target's instances), and a
/// mesh gateway's routes to the datacenters it knows over WAN federation.
/// </summary>
public sealed class MeshGatewayModeTests
{
    [Theory]
    [InlineData("")]
    [InlineData("none")]
    public void ModeNone_ResolvesTheOtherDatacentersInstances(string mode)
    {
        var (store, id) = WebWithDbInDc2(mode);

        var endpoints = Dc2Endpoints(store, id, Federated());

        Assert.Equal([("203.0.113.21", 21000)], endpoints.Select(e => (e.Address, e.Port)));
    }

    [Fact]
    public void ModeRemote_ResolvesTheTargetDatacentersGatewaysAtTheirWanAddress_WithTheTargetsHealth()
    {
        var (store, id) = WebWithDbInDc2("remote");

        var endpoints = Dc2Endpoints(store, id, Federated());

        var gateway = Assert.Single(endpoints);
        Assert.Equal(("198.51.100.2", 8443), (gateway.Address, gateway.Port));
        Assert.Equal([HealthStatus.Passing], gateway.CheckStatuses.ToArray());
    }

    [Fact]
    public void ModeRemote_WithDbCriticalEverywhere_MarksTheGatewayEndpointsUnhealthy()
    {
        var (store, id) = WebWithDbInDc2("remote");

        var endpoints = Dc2Endpoints(store, id, Federated(dbStatus: HealthStatus.Critical));

        Assert.Equal([HealthStatus.Critical], Assert.Single(endpoints).CheckStatuses.ToArray());
    }

    [Fact]
    public void ModeRemote_WithNoGatewayInTheTargetDatacenter_HasNoEndpoints()
    {
        var (store, id) = WebWithDbInDc2("remote");

        Assert.Empty(Dc2Endpoints(store, id, Federated() with { Gateways = static _ => [] }));
        Assert.Empty(Dc2Endpoints(store, id, Federated() with { Gateways = static _ => null }));
    }

    [Fact]
    public void ModeLocal_ResolvesThisDatacentersGatewaysAtTheirLanAddress()
    {
        var (store, id) = WebWithDbInDc2("local");
        store.Register("node-mgw", "127.0.0.50", Gateway("mesh-gateway", lan: "10.0.0.50", wan: "198.51.100.50"));

        var endpoints = Dc2Endpoints(store, id, Federated());

        // Consul's BestAddress(wan: false): the service's address, else the node's (the lan tag is not read).
        var gateway = Assert.Single(endpoints);
        Assert.Equal(("127.0.0.50", 8443), (gateway.Address, gateway.Port));
        Assert.Equal([HealthStatus.Passing], gateway.CheckStatuses.ToArray());
    }

    [Fact]
    public void ModeLocal_WithoutALocalGateway_HasNoEndpoints()
    {
        var (store, id) = WebWithDbInDc2("local");

        Assert.Empty(Dc2Endpoints(store, id, Federated()));
    }

    [Fact]
    public void ModeRemote_BeforeTheTargetsInstancesAreHeard_HasNoEndpoints()
    {
        var (store, id) = WebWithDbInDc2("remote");

        Assert.Empty(Dc2Endpoints(store, id, Federated() with { Services = static (_, _) => null }));
    }

    [Fact]
    public void ATargetInThisDatacenter_IgnoresTheMode()
    {
        var store = new MeshStore();
        store.InitializeCa();
        store.ConfigEntry("""{"Kind":"proxy-defaults","Name":"global","MeshGateway":{"Mode":"remote"}}""");
        var id = store.RegisterWeb(upstreams: MeshStore.UpstreamTo("db", 9191));
        store.RegisterInstance("db", "node-db-1", "127.0.0.21");

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self(), Federated())!;

        Assert.Equal(["127.0.0.21"], Assert.Single(snapshot.Upstreams).Endpoints.Values.Single().Select(e => e.Address));
    }

    [Fact]
    public void AMeshGateway_RoutesToEachKnownDatacenterWithGateways_AtTheirWanAddress()
    {
        var store = new MeshStore();
        store.InitializeCa();
        store.Register("node-mgw", "127.0.0.50", Gateway("mesh-gateway", lan: "10.0.0.50", wan: "198.51.100.50"));
        var id = new ProxyId("node-mgw", "mesh-gateway");
        var federated = Federated() with { KnownDatacenters = ["dc2", "dc3"] };

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf("mesh-gateway"), MeshStore.Self(), federated)!;

        // dc3 answered no gateway: no route to it.
        var remote = Assert.Single(snapshot.MeshGateway!.Datacenters);
        Assert.Equal("dc2", remote.Datacenter);
        Assert.Equal([("198.51.100.2", 8443)], remote.Gateways.Select(e => (e.Address, e.Port)));

        var gone = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf("mesh-gateway"), MeshStore.Self(), federated with { Gateways = static _ => [] })!;
        Assert.Empty(gone.MeshGateway!.Datacenters);
    }

    [Fact]
    public void AMeshGateway_KeepsCatalogRowsOfOtherDatacenters_WithoutDuplicatingTheFederatedOnes()
    {
        var store = new MeshStore();
        store.InitializeCa();
        store.Register("node-mgw", "127.0.0.50", Gateway("mesh-gateway", lan: "10.0.0.50", wan: "198.51.100.50"));
        store.Apply(new Mesh.Fsm.Commands.RegisterCommand
        {
            Node = "node-mgw-dc2",
            Address = "10.2.0.2",
            Datacenter = "dc2",
            Service = Gateway("mesh-gateway", lan: "10.2.0.2", wan: "198.51.100.2"),
        });
        var id = new ProxyId("node-mgw", "mesh-gateway");

        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf("mesh-gateway"), MeshStore.Self(), Federated() with { KnownDatacenters = ["dc2"] })!;

        var remote = Assert.Single(snapshot.MeshGateway!.Datacenters);
        Assert.Equal([("node-mgw-dc2", "198.51.100.2")], remote.Gateways.Select(e => (e.Node, e.Address)));
    }

    [Fact]
    public void HealthRowsByKind_AnswerEveryMeshGateway_AndNotOtherKinds()
    {
        var store = new MeshStore();
        store.Register("node-mgw", "127.0.0.50", Gateway("mesh-gateway", lan: "10.0.0.50", wan: "198.51.100.50"));
        store.Register("node-mgw-2", "127.0.0.51", Gateway("mesh-gateway-east", lan: "10.0.0.51", wan: "198.51.100.51"));
        store.RegisterInstance("db", "node-db-1", "127.0.0.21");
        var query = new DatacenterHealthQuery { Datacenter = "dc1", Kind = ServiceKind.MeshGateway };

        var rows = HealthRows.Read(store.State, query);

        Assert.Equal(["mesh-gateway", "mesh-gateway-east"], rows.Select(row => row.Service.Service).Order(StringComparer.Ordinal));
        Assert.Equal([Mesh.Fsm.State.WatchKeys.Kind(ServiceKind.MeshGateway)], HealthRows.Keys(query));
    }

    private static (MeshStore Store, ProxyId Id) WebWithDbInDc2(string mode)
    {
        var store = new MeshStore();
        store.InitializeCa();
        var upstream = MeshStore.UpstreamTo("db", 9191) with { Datacenter = "dc2", MeshGateway = new MeshGatewayConfig { Mode = mode } };
        return (store, store.RegisterWeb(upstreams: upstream));
    }

    private static System.Collections.Immutable.ImmutableArray<UpstreamEndpoint> Dc2Endpoints(MeshStore store, ProxyId id, FederatedRows federated)
    {
        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self(), federated);
        Assert.NotNull(snapshot);
        var upstream = Assert.Single(snapshot.Upstreams);
        var target = Assert.Single(upstream.Chain.Targets);
        Assert.Equal("dc2", target.Value.Datacenter);
        return upstream.Endpoints[target.Key];
    }

    /// <summary>dc2 as its servers would answer: db's sidecar, and one mesh gateway with a WAN address.</summary>
    private static FederatedRows Federated(string dbStatus = HealthStatus.Passing)
    {
        var dbNode = new Node { Name = "node-db-dc2", Address = "203.0.113.21", Datacenter = "dc2" };
        var db = new HealthRow
        {
            Node = dbNode,
            Service = new NodeService
            {
                Kind = ServiceKind.ConnectProxy,
                Id = "db-sidecar-proxy",
                Service = "db-sidecar-proxy",
                Port = 21000,
                Proxy = new ConnectProxyConfig { DestinationServiceName = "db", DestinationServiceID = "db" },
            },
            Checks = [new HealthCheck { Node = dbNode.Name, CheckId = "db-alive", Status = dbStatus, ServiceId = "db-sidecar-proxy" }],
        };
        var gatewayNode = new Node { Name = "node-mgw-dc2", Address = "10.2.0.2", Datacenter = "dc2" };
        var gateway = new HealthRow { Node = gatewayNode, Service = Gateway("mesh-gateway", lan: "10.2.0.2", wan: "198.51.100.2") };
        return new FederatedRows
        {
            Services = (datacenter, service) => datacenter == "dc2" && service == "db" ? [db] : null,
            Gateways = datacenter => datacenter == "dc2" ? [gateway] : null,
        };
    }

    private static NodeService Gateway(string name, string lan, string wan) => new()
    {
        Kind = ServiceKind.MeshGateway,
        Id = name,
        Service = name,
        Port = 8443,
        TaggedAddresses = new Dictionary<string, ServiceAddress>
        {
            ["lan"] = new() { Address = lan, Port = 8443 },
            ["wan"] = new() { Address = wan, Port = 8443 },
        },
    };
}
