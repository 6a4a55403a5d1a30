using System.Net;
using System.Text.Json;
using Mesh.ProxyCfg;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cluster;

/// <summary>
/// Config-entry graph rules are enforced by the FSM against the state being applied to, so two writes through two
/// different servers cannot together commit a graph whose chain does not compile.
/// </summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ConfigEntryGraphClusterTests
{
    [Fact]
    public async Task TwoServersWriteEntriesThatTogetherBreakAChain_SecondIsRefusedAndTheValidChainIsStillServed()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var followers = cluster.Followers.ToList();

        // A proxy whose upstream `a` is redirected to `b`, with an instance of `b` behind it.
        await RegisterAsync(followers[0], """
            {"Node":"node-web","Address":"127.0.0.10","Service":{"Kind":"connect-proxy","ID":"web-sidecar-proxy","Service":"web-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web","Upstreams":[{"DestinationName":"a","LocalBindPort":9191}]}}}
            """);
        await RegisterAsync(followers[0], """
            {"Node":"node-b","Address":"127.0.0.20","Service":{"Kind":"connect-proxy","ID":"b-sidecar-proxy","Service":"b-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"b","DestinationServiceID":"b"}}}
            """);
        using (var first = await followers[0].PutJsonAsync("/v1/config", """{"Kind":"service-resolver","Name":"a","Redirect":{"Service":"b"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var proxy = new ProxyId("node-web", "web-sidecar-proxy");
        var before = await SnapshotAsync(followers[1], proxy);
        Assert.Equal("b", Assert.Single(Assert.Single(before.Upstreams).Chain.Targets).Value.Service);

        // Each entry is valid alone; together they are a redirect loop. The second goes through another server.
        using (var second = await followers[1].PutJsonAsync("/v1/config", """{"Kind":"service-resolver","Name":"b","Redirect":{"Service":"a"}}"""))
        {
            var body = await second.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
            Assert.Contains("circular resolver redirect", body, StringComparison.Ordinal);
        }

        // Nothing changed anywhere but the applied index, and every server agrees.
        var digests = await cluster.SettledDigestsAsync(TimeSpan.FromSeconds(30));
        Assert.Single(digests.Select(d => d.Digest).Distinct());
        foreach (var server in cluster.Running)
        {
            Assert.Null(server.Server.Fsm.Current.FindConfigEntry("service-resolver", "b"));
            var chain = (await server.GetJsonAsync("/v1/discovery-chain/a")).GetProperty("Chain");
            var target = Assert.Single(chain.GetProperty("Targets").EnumerateObject()).Value;
            Assert.Equal("b", target.GetProperty("Service").GetString());
        }

        // proxycfg keeps serving the valid chain to the proxy, on the server that took the refused write too.
        foreach (var server in cluster.Running)
        {
            var after = await SnapshotAsync(server, proxy);
            var upstream = Assert.Single(after.Upstreams);
            Assert.Equal("a", upstream.Id.EnvoyId);
            Assert.Equal(before.Upstreams[0].Chain, upstream.Chain);
        }
    }

    private static async Task RegisterAsync(TestServer server, string json)
    {
        using var response = await server.PutJsonAsync("/v1/catalog/register", json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<ConfigSnapshot> SnapshotAsync(TestServer server, ProxyId proxy)
    {
        var source = server.Server.Xds?.Proxies ?? throw new InvalidOperationException("xDS is off");
        await TestCluster.WaitUntilAsync(() => SnapshotBuilder.FindProxy(server.Server.Fsm.Current, proxy) is not null, TimeSpan.FromSeconds(30), "the proxy to replicate");
        await using var watch = source.TryWatch(proxy) ?? throw new InvalidOperationException("proxy not in the catalog");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await watch.NextAsync(timeout.Token) ?? throw new InvalidOperationException("proxy removed");
    }
}
