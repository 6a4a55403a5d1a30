using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Fsm.Commands;
using Mesh.Testing;
using Mesh.Xds;

namespace Mesh.XdsServer.Tests.Sotw;

/// <summary>
/// SotW streams served from proxycfg's proxyless snapshots: clients with one key share one snapshot, and what a
/// stream's token may read follows ACL changes.
/// </summary>
public class SotwSnapshotTests
{
    [Fact]
    public async Task TwoClientsDeclaringOneService_ShareOneProxycfgSnapshotAndBothFollowAChange()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await mesh.RegisterAsync("greeter-1", "greeter", 50051);
        await using var first = mesh.Open("pod-1", service: "web");
        await using var second = mesh.Open("pod-2", service: "web");
        await using var other = mesh.Open("laptop");
        foreach (var stream in new[] { first, second, other })
        {
            await stream.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, "greeter");
            var eds = await stream.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
            Assert.Single(eds.Resources.Single().Unpack<ClusterLoadAssignment>().Endpoints.Single().LbEndpoints);
            await stream.AckAsync(eds, "greeter");
        }

        Assert.Equal(2, mesh.Xds.Proxies.WatchedProxyless); // (web) for pod-1 and pod-2, (node laptop) for the third

        await mesh.RegisterAsync("greeter-2", "greeter", 50052);

        foreach (var stream in new[] { first, second, other })
        {
            var eds = await stream.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
            Assert.Equal("2", eds.VersionInfo);
            Assert.Equal(2, eds.Resources.Single().Unpack<ClusterLoadAssignment>().Endpoints.Single().LbEndpoints.Count);
        }
    }

    [Fact]
    public async Task StreamsClosed_ProxylessWatchesReleased()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await mesh.RegisterAsync("greeter-1", "greeter", 50051);
        await using (var stream = mesh.Open("pod-1", service: "web"))
        {
            await stream.SubscribeAsync(XdsTypeUrls.Cluster, "greeter");
            Assert.Single((await stream.NextOfAsync(XdsTypeUrls.Cluster)).Resources);
            Assert.Equal(1, mesh.Xds.Proxies.WatchedProxyless);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (mesh.Xds.Proxies.WatchedProxyless != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, mesh.Xds.Proxies.WatchedProxyless);
    }

    [Fact]
    public async Task AclsOn_WildcardClustersAreWhatTheTokenMayRead_AndFollowItsPolicy()
    {
        await using var mesh = await SotwTestServer.StartAsync(config => config with
        {
            Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny },
        });
        mesh.Server.Http.DefaultRequestHeaders.Add("X-Consul-Token", await AclTestTokens.ManagementAsync(mesh.Server));
        await mesh.RegisterAsync("greeter-1", "greeter", 50051);
        await mesh.RegisterAsync("web-1", "web", 8080);
        var token = await AclTestTokens.CreateAsync(mesh.Server, """service "web" { policy = "read" }""");
        await using var stream = mesh.Open("pod-1", token: token);

        await stream.SubscribeAsync(XdsTypeUrls.Cluster); // no names on CDS: the legacy wildcard
        var only = await stream.NextOfAsync(XdsTypeUrls.Cluster);
        Assert.Equal(["web"], only.Resources.Select(r => r.Unpack<Cluster>().Name));
        await stream.AckAsync(only);

        var state = mesh.Server.Server.Fsm.Current;
        var policy = state.AclPolicies[state.FindAclTokenBySecret(token)!.Policies[0].Id];
        await AclTestTokens.ProposeAsync(mesh.Server, new AclPolicySetCommand { Policy = policy with { Rules = """service_prefix "" { policy = "read" }""" } });

        var both = await stream.NextOfAsync(XdsTypeUrls.Cluster);
        Assert.Equal(["consul", "greeter", "web"], both.Resources.Select(r => r.Unpack<Cluster>().Name));
    }
}
