using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>
/// A delta ADS stream opened as a mesh gateway registered through the HTTP API: a complete, decodable set (an EDS
/// cluster without TLS per local service, its endpoints, one SNI listener, no routes); a resolver subset written for a
/// service pushes only the new cluster and its endpoints.
/// </summary>
public sealed class MeshGatewayStreamTests
{
    private const string GatewayId = "mesh-gateway-1";

    [Fact]
    public async Task AMeshGatewayStream_GetsItsResources_AndANewSubsetPushesOnlyTheChange()
    {
        await using var mesh = await XdsMesh.StartAsync(XdsMesh.Fast);
        await mesh.RegisterDbAsync(1);
        await mesh.RegisterDbAsync(2);
        await XdsMesh.RegisterAsync(mesh.Server, """
            {"Node":"node-edge","Address":"127.0.0.60","Service":{"Kind":"mesh-gateway","ID":"mesh-gateway-1","Service":"mesh-gateway","Port":8443,
             "TaggedAddresses":{"lan":{"Address":"127.0.0.60","Port":8443},"wan":{"Address":"198.18.0.1","Port":443}}}}
            """);

        await using var envoy = DeltaAdsClient.Open(mesh.GrpcPort, GatewayId);
        await envoy.SyncAsync();

        var clusters = envoy.HeldOf(XdsTypeUrls.Cluster).Keys.ToList();
        var db = Assert.Single(clusters);
        Assert.StartsWith("db.default.dc1.internal.", db, StringComparison.Ordinal);
        var cluster = envoy.Resource<Cluster>(XdsTypeUrls.Cluster, db);
        Assert.Equal(Cluster.Types.DiscoveryType.Eds, cluster.Type);
        Assert.Null(cluster.TransportSocket);
        var endpoints = envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, db);
        Assert.Equal(2, endpoints.Endpoints.Sum(l => l.LbEndpoints.Count));

        var listener = envoy.Resource<Listener>(XdsTypeUrls.Listener, Assert.Single(envoy.HeldOf(XdsTypeUrls.Listener).Keys));
        Assert.Equal("default:127.0.0.60:8443", listener.Name);
        Assert.Equal("envoy.filters.listener.tls_inspector", Assert.Single(listener.ListenerFilters).Name);
        var fallback = Assert.Single(listener.FilterChains);
        Assert.Null(fallback.TransportSocket);
        Assert.Equal(["envoy.filters.network.sni_cluster", "envoy.filters.network.tcp_proxy"], fallback.Filters.Select(f => f.Name));
        Assert.Empty(envoy.HeldOf(XdsTypeUrls.RouteConfiguration));

        var heldListener = envoy.HeldOf(XdsTypeUrls.Listener)[listener.Name];
        var heldDb = envoy.HeldOf(XdsTypeUrls.Cluster)[db];
        await mesh.WriteConfigAsync("""{"Kind":"service-resolver","Name":"db","Subsets":{"v1":{"Filter":"Service.Port == 5432"}}}""");

        // The subset's cluster and endpoints are new; db's cluster and the listener stay as they were.
        var subset = "v1." + db;
        var pushed = new List<Envoy.Service.Discovery.V3.DeltaDiscoveryResponse>();
        while (!envoy.HeldOf(XdsTypeUrls.Cluster).ContainsKey(subset))
        {
            var response = await envoy.ReceiveAsync();
            pushed.Add(response);
            await envoy.AckAsync(response);
        }

        // As Envoy does for a new EDS cluster: subscribe to its endpoints.
        await envoy.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, [subset]);
        while (!envoy.HeldOf(XdsTypeUrls.ClusterLoadAssignment).ContainsKey(subset))
        {
            var response = await envoy.ReceiveAsync();
            pushed.Add(response);
            await envoy.AckAsync(response);
        }

        var pushedNames = pushed.SelectMany(r => r.Resources.Select(res => res.Name)).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(subset, pushedNames);
        Assert.DoesNotContain(listener.Name, pushedNames);
        Assert.Equal(heldListener, envoy.HeldOf(XdsTypeUrls.Listener)[listener.Name]);
        Assert.Equal(heldDb, envoy.HeldOf(XdsTypeUrls.Cluster)[db]);
        Assert.Equal(2, envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, subset).Endpoints.Sum(l => l.LbEndpoints.Count));
    }
}
