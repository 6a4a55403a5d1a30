using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Service.Discovery.V3;
using Mesh.Agent.Hosting;
using Mesh.Testing;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>
/// Mesh gateways across two real datacenters federated over the WAN, seen by real delta xDS streams of dc1: dc1's
/// mesh gateway gains a route (cluster <c>dc2.internal.&lt;td&gt;</c>) to dc2's gateway's WAN address once dc2 registers
/// its gateway and loses it when dc2 deregisters it; a dc1 sidecar's upstream to a service in dc2 resolves, by mesh
/// gateway mode, to dc1's gateway's LAN address (local), dc2's gateway's WAN address (remote) or dc2's instances (none).
/// </summary>
public sealed class MeshGatewayFederationStreamTests
{
    private const string Dc1Gateway = """
        {"Node":"node-mgw-dc1","Address":"127.10.0.5","Service":{"Kind":"mesh-gateway","ID":"mesh-gateway-1","Service":"mesh-gateway","Port":8443,
         "TaggedAddresses":{"lan":{"Address":"127.10.0.5","Port":8443},"wan":{"Address":"198.18.1.1","Port":443}}}}
        """;

    private const string Dc2Gateway = """
        {"Node":"node-mgw-dc2","Address":"127.20.0.5","Service":{"Kind":"mesh-gateway","ID":"mesh-gateway-2","Service":"mesh-gateway","Port":8443,
         "TaggedAddresses":{"lan":{"Address":"127.20.0.5","Port":8443},"wan":{"Address":"198.18.2.1","Port":443}}}}
        """;

    [Fact]
    public async Task Dc1sMeshGateway_GainsARouteToDc2sGateway_WhenDc2RegistersIt_AndLosesItWhenDc2DeregistersIt()
    {
        await using var federation = await TestFederation.StartAsync(XdsMesh.Fast);
        var dc1 = federation.Primary;
        var dc2 = federation.Secondary;
        await XdsMesh.RegisterAsync(dc1, Dc1Gateway);

        await using var envoy = DeltaAdsClient.Open(dc1.Server.Config.GrpcPort, "mesh-gateway-1", "node-mgw-dc1");
        await envoy.SyncAsync();
        Assert.DoesNotContain(envoy.HeldOf(XdsTypeUrls.Cluster).Keys, IsDc2Route);

        await XdsMesh.RegisterAsync(dc2, Dc2Gateway);
        await ReceiveUntilAsync(envoy, () => envoy.HeldOf(XdsTypeUrls.Cluster).Keys.Any(IsDc2Route));
        var route = envoy.HeldOf(XdsTypeUrls.Cluster).Keys.Single(IsDc2Route);
        Assert.Equal(Cluster.Types.DiscoveryType.Eds, envoy.Resource<Cluster>(XdsTypeUrls.Cluster, route).Type);

        // As Envoy does for a new EDS cluster: subscribe to its endpoints.
        await envoy.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, [route]);
        await ReceiveUntilAsync(envoy, () => Addresses(envoy, route).Count > 0);
        Assert.Equal([("198.18.2.1", 443u)], Addresses(envoy, route));

        using var deregistered = await dc2.PutJsonAsync("/v1/catalog/deregister", """{"Node":"node-mgw-dc2","ServiceID":"mesh-gateway-2"}""");
        Assert.True(deregistered.IsSuccessStatusCode, await deregistered.Content.ReadAsStringAsync());
        await ReceiveUntilAsync(envoy, () => !envoy.HeldOf(XdsTypeUrls.Cluster).ContainsKey(route));
        Assert.DoesNotContain(envoy.HeldOf(XdsTypeUrls.Cluster).Keys, IsDc2Route);
    }

    [Fact]
    public async Task Dc1sMeshGateway_StartsFollowingDc2_WhenDc2JoinsTheFederationAfterTheStreamOpened()
    {
        // dc1 starts alone (dc2's server port is reserved but nothing listens yet), so its gateway's first builds know no
        // other datacenter; only the known-datacenter signal can make the gateway follow dc2 once dc2 appears.
        var ports = (Dc1: FreePort.Next(), Dc2: FreePort.Next());
        AgentConfig In(AgentConfig config, string datacenter, int own, int other) => XdsMesh.Fast(config) with
        {
            Datacenter = datacenter,
            ServerPort = own,
            RetryJoinWan = [$"127.0.0.1:{other}"],
            RetryIntervalWan = TimeSpan.FromMilliseconds(200),
        };

        await using var dc1 = await TestServer.StartAsync(config => In(config, "dc1", ports.Dc1, ports.Dc2));
        await XdsMesh.RegisterAsync(dc1, Dc1Gateway);
        await using var envoy = DeltaAdsClient.Open(dc1.Server.Config.GrpcPort, "mesh-gateway-1", "node-mgw-dc1");
        await envoy.SyncAsync();
        Assert.False(dc1.Server.Runtime.Wan!.Value.Knows("dc2"));
        Assert.DoesNotContain(envoy.HeldOf(XdsTypeUrls.Cluster).Keys, IsDc2Route);

        await using var dc2 = await TestServer.StartAsync(config => In(config, "dc2", ports.Dc2, ports.Dc1));
        await XdsMesh.RegisterAsync(dc2, Dc2Gateway);

        await ReceiveUntilAsync(envoy, () => envoy.HeldOf(XdsTypeUrls.Cluster).Keys.Any(IsDc2Route));
        Assert.True(dc1.Server.Runtime.Wan!.Value.Knows("dc2"));
    }

    [Fact]
    public async Task ASidecarsUpstreamInDc2_GoesThroughTheGatewayTheModeNames()
    {
        await using var federation = await TestFederation.StartAsync(XdsMesh.Fast);
        var dc1 = federation.Primary;
        var dc2 = federation.Secondary;
        await XdsMesh.RegisterAsync(dc1, Dc1Gateway);
        await XdsMesh.RegisterAsync(dc2, Dc2Gateway);
        await XdsMesh.RegisterAsync(dc2, """
            {"Node":"node-db-dc2","Address":"127.20.1.1","Service":{"Kind":"connect-proxy","ID":"db-sidecar-proxy","Service":"db-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"db","DestinationServiceID":"db"}},
             "Checks":[{"CheckID":"db-proxy-alive","Name":"alive","Status":"passing","ServiceID":"db-sidecar-proxy"}]}
            """);

        await RegisterWebAsync(dc1, "local");
        await using var envoy = DeltaAdsClient.Open(dc1.Server.Config.GrpcPort, XdsMesh.WebProxy, XdsMesh.WebNode);
        await envoy.SyncAsync();

        // local: this datacenter's gateway at its LAN address (healthy: db has a passing instance in dc2).
        var db = await UntilDbEndpointsAsync(envoy, [("127.10.0.5", 8443u)]);
        Assert.All(Endpoints(envoy, db), endpoint => Assert.Equal(Envoy.Config.Core.V3.HealthStatus.Healthy, endpoint.HealthStatus));
        var tls = envoy.Resource<Cluster>(XdsTypeUrls.Cluster, db).TransportSocket.TypedConfig.Unpack<Envoy.Extensions.TransportSockets.Tls.V3.UpstreamTlsContext>();
        Assert.StartsWith("db.default.dc2.internal.", tls.Sni, StringComparison.Ordinal); // the gateway routes by the target's SNI
        Assert.EndsWith(tls.Sni, db, StringComparison.Ordinal);

        // remote: dc2's gateway at its WAN address.
        await RegisterWebAsync(dc1, "remote");
        await UntilDbEndpointsAsync(envoy, [("198.18.2.1", 443u)]);

        // none: dc2's instances directly.
        await RegisterWebAsync(dc1, "none");
        await UntilDbEndpointsAsync(envoy, [("127.20.1.1", 21000u)]);
    }

    /// <summary>
    /// Receives until db's dc2 cluster has exactly <paramref name="expected"/> endpoints. The upstream's mode override
    /// customizes the chain, so the cluster's name (Consul's hash prefix) changes with the mode: each new one is
    /// subscribed to, as Envoy does for a new EDS cluster.
    /// </summary>
    private static async Task<string> UntilDbEndpointsAsync(DeltaAdsClient envoy, List<(string Address, uint Port)> expected)
    {
        var subscribed = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            // While the mode changes the old cluster may still be held next to the new one.
            var clusters = envoy.HeldOf(XdsTypeUrls.Cluster).Keys.Where(name => name.Contains("db.default.dc2.internal.", StringComparison.Ordinal)).ToList();
            if (clusters.FirstOrDefault(db => Addresses(envoy, db).SequenceEqual(expected)) is { } done)
            {
                return done;
            }

            var fresh = clusters.Where(db => !envoy.HeldOf(XdsTypeUrls.ClusterLoadAssignment).ContainsKey(db) && subscribed.Add(db)).ToList();
            if (fresh.Count > 0)
            {
                await envoy.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, fresh);
            }

            var response = await envoy.ReceiveAsync(TimeSpan.FromSeconds(30));
            await envoy.AckAsync(response);
        }
    }

    private static bool IsDc2Route(string cluster) => cluster.StartsWith("dc2.internal.", StringComparison.Ordinal);

    private static Task RegisterWebAsync(TestServer dc1, string mode)
        => XdsMesh.RegisterAsync(dc1, $$$"""
            {"Node":"{{{XdsMesh.WebNode}}}","Address":"127.0.0.10","Service":{"Kind":"connect-proxy","ID":"{{{XdsMesh.WebProxy}}}","Service":"web-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web","LocalServicePort":8080,
              "Upstreams":[{"DestinationName":"db","Datacenter":"dc2","LocalBindPort":9191,"MeshGateway":{"Mode":"{{{mode}}}"} }]} } }
            """);

    private static List<LbEndpoint> Endpoints(DeltaAdsClient envoy, string cluster)
        => envoy.HeldOf(XdsTypeUrls.ClusterLoadAssignment).ContainsKey(cluster)
            ? [.. envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, cluster).Endpoints.SelectMany(locality => locality.LbEndpoints)]
            : [];

    private static List<(string Address, uint Port)> Addresses(DeltaAdsClient envoy, string cluster)
        => [.. Endpoints(envoy, cluster)
            .Select(endpoint => (endpoint.Endpoint.Address.SocketAddress.Address, endpoint.Endpoint.Address.SocketAddress.PortValue))
            .Order()];

    private static async Task ReceiveUntilAsync(DeltaAdsClient envoy, Func<bool> done)
    {
        while (!done())
        {
            DeltaDiscoveryResponse response = await envoy.ReceiveAsync(TimeSpan.FromSeconds(30));
            await envoy.AckAsync(response);
        }
    }
}
