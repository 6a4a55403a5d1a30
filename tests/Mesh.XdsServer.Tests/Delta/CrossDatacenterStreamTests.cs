using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Route.V3;
using Mesh.Testing;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>
/// A sidecar in dc1 whose upstream db splits 50/50 between subset v1 in dc1 and subset v2 in dc2 (resolver redirects,
/// Consul's splitter-with-resolver-redirect-multidc chain), with dc2 a real second server federated over the WAN: the
/// delta stream gets dc2's instances as endpoints of <c>v2.db.default.dc2.internal.&lt;td&gt;</c>, and an instance
/// registered in dc2 afterwards reaches the dc1 sidecar as an endpoint update only.
/// </summary>
public sealed class CrossDatacenterStreamTests
{
    [Fact]
    public async Task ASidecarInDc1_GetsDc2Endpoints_AndADc2ChangeIsPushedAsEndpointsOnly()
    {
        await using var federation = await TestFederation.StartAsync(XdsMesh.Fast);
        var dc1 = federation.Primary;
        var dc2 = federation.Secondary;
        await RegisterDbAsync(dc2, "node-db-dc2-1", "127.20.1.1", "v2");
        await RegisterDbAsync(dc1, "node-db-1", "127.10.1.1", "v1");
        foreach (var entry in new[]
        {
            """{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""",
            """{"Kind":"service-resolver","Name":"db","Subsets":{"v1":{"Filter":"Service.Meta.version == v1"},"v2":{"Filter":"Service.Meta.version == v2"}}}""",
            """{"Kind":"service-resolver","Name":"db-dc1","Redirect":{"Service":"db","ServiceSubset":"v1","Datacenter":"dc1"}}""",
            """{"Kind":"service-resolver","Name":"db-dc2","Redirect":{"Service":"db","ServiceSubset":"v2","Datacenter":"dc2"}}""",
            """{"Kind":"service-splitter","Name":"db","Splits":[{"Weight":50,"Service":"db-dc1"},{"Weight":50,"Service":"db-dc2"}]}""",
        })
        {
            using var response = await dc1.PutJsonAsync("/v1/config", entry);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await XdsMesh.RegisterWebSidecarAsync(dc1);

        await using var envoy = DeltaAdsClient.Open(dc1.Server.Config.GrpcPort, XdsMesh.WebProxy, XdsMesh.WebNode);
        await envoy.SyncAsync();
        var clusters = envoy.HeldOf(XdsTypeUrls.Cluster).Keys.ToList();
        var remote = clusters.Single(name => name.StartsWith("v2.db.default.dc2.internal.", StringComparison.Ordinal));
        var local = clusters.Single(name => name.StartsWith("v1.db.default.dc1.internal.", StringComparison.Ordinal));
        var cluster = envoy.Resource<Cluster>(XdsTypeUrls.Cluster, remote);
        var tls = cluster.TransportSocket.TypedConfig.Unpack<Envoy.Extensions.TransportSockets.Tls.V3.UpstreamTlsContext>();
        Assert.Equal(remote, tls.Sni);
        Assert.EndsWith("/dc/dc2/svc/db", tls.CommonTlsContext.ValidationContext.MatchTypedSubjectAltNames[0].Matcher.Exact, StringComparison.Ordinal);
        var route = envoy.Resource<RouteConfiguration>(XdsTypeUrls.RouteConfiguration, "db");
        Assert.Equal([local, remote], route.VirtualHosts[0].Routes[0].Route_.WeightedClusters.Clusters.Select(c => c.Name).Order(StringComparer.Ordinal));

        // dc2's rows arrive through the cross-datacenter watch (perhaps after the first snapshot was sent).
        await ReceiveUntilAsync(envoy, () => Addresses(envoy, remote).SequenceEqual(["127.20.1.1"]));
        Assert.Equal(["127.10.1.1"], Addresses(envoy, local));

        var listeners = envoy.HeldOf(XdsTypeUrls.Listener).ToDictionary(p => p.Key, p => p.Value);
        var heldClusters = envoy.HeldOf(XdsTypeUrls.Cluster).ToDictionary(p => p.Key, p => p.Value);
        await RegisterDbAsync(dc2, "node-db-dc2-2", "127.20.1.2", "v2");
        var pushed = await ReceiveUntilAsync(envoy, () => Addresses(envoy, remote).SequenceEqual(["127.20.1.1", "127.20.1.2"]));

        Assert.All(pushed, response => Assert.Equal(XdsTypeUrls.ClusterLoadAssignment, response.TypeUrl));
        Assert.Equal(heldClusters, envoy.HeldOf(XdsTypeUrls.Cluster).ToDictionary(p => p.Key, p => p.Value));
        Assert.Equal(listeners, envoy.HeldOf(XdsTypeUrls.Listener).ToDictionary(p => p.Key, p => p.Value));
    }

    private static Task RegisterDbAsync(TestServer server, string node, string address, string version)
        => XdsMesh.RegisterAsync(server, $$$"""
            {"Node":"{{{node}}}","Address":"{{{address}}}","Service":{"Kind":"connect-proxy","ID":"db-sidecar-proxy","Service":"db-sidecar-proxy","Port":8080,
             "Meta":{"version":"{{{version}}}"},"Proxy":{"DestinationServiceName":"db","DestinationServiceID":"db"}},
             "Checks":[{"CheckID":"db-proxy-alive","Name":"alive","Status":"passing","ServiceID":"db-sidecar-proxy"}]}
            """);

    private static List<string> Addresses(DeltaAdsClient envoy, string cluster)
        => envoy.HeldOf(XdsTypeUrls.ClusterLoadAssignment).ContainsKey(cluster)
            ? [.. envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, cluster).Endpoints
                .SelectMany(locality => locality.LbEndpoints)
                .Select(endpoint => endpoint.Endpoint.Address.SocketAddress.Address)
                .Order(StringComparer.Ordinal)]
            : [];

    private static async Task<List<Envoy.Service.Discovery.V3.DeltaDiscoveryResponse>> ReceiveUntilAsync(DeltaAdsClient envoy, Func<bool> done)
    {
        var pushed = new List<Envoy.Service.Discovery.V3.DeltaDiscoveryResponse>();
        while (!done())
        {
            var response = await envoy.ReceiveAsync(TimeSpan.FromSeconds(30));
            pushed.Add(response);
            await envoy.AckAsync(response);
        }

        return pushed;
    }
}
