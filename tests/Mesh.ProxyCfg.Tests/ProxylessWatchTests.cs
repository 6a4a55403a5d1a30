using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.ProxyCfg.Tests.Support;
using Mesh.Server.Access;
using Mesh.Testing;

namespace Mesh.ProxyCfg.Tests;

/// <summary>Proxyless snapshots through the real proxycfg runtime: shared per key, rebuilt on the changes they read.</summary>
public sealed class ProxylessWatchTests
{
    private const string Greeter = """{"Node":"apps","Address":"127.0.0.1","Service":{"ID":"greeter-1","Service":"greeter","Port":50051}}""";

    [Fact]
    public async Task WatchProxyless_TwoClientsDeclaringOneService_ShareOneStateAndSnapshot()
    {
        await using var mesh = await ProxyCfgServer.StartAsync();
        await mesh.RegisterAsync(Greeter);

        await using (var first = mesh.Source.WatchProxyless(ProxylessKey.Of("pod-1", "web", RequestToken.Anonymous)))
        {
            await using var second = mesh.Source.WatchProxyless(ProxylessKey.Of("pod-2", "web", RequestToken.Anonymous));
            await using var other = mesh.Source.WatchProxyless(ProxylessKey.Of("pod-3", "api", RequestToken.Anonymous));

            var a = await first.NextAsync(ProxyCfgServer.Timeout());
            var b = await second.NextAsync(ProxyCfgServer.Timeout());
            var c = await other.NextAsync(ProxyCfgServer.Timeout());

            Assert.Same(a, b);
            Assert.NotSame(a, c);
            Assert.Equal("web", a!.SourceService);
            Assert.Equal(2, mesh.Source.WatchedProxyless);
            Assert.Equal(0, mesh.Source.WatchedProxies);
        }

        Assert.Equal(0, mesh.Source.WatchedProxyless); // the last watch of each key tore its state down
    }

    [Fact]
    public async Task WatchProxyless_LastWatchDisposed_StateTornDown()
    {
        await using var mesh = await ProxyCfgServer.StartAsync();
        var key = ProxylessKey.Of("pod-1", null, RequestToken.Anonymous);
        await using (var watch = mesh.Source.WatchProxyless(key))
        {
            Assert.NotNull(await watch.NextAsync(ProxyCfgServer.Timeout()));
            Assert.NotNull(mesh.Source.Find(key));
        }

        Assert.Equal(0, mesh.Source.WatchedProxyless);
        Assert.Null(mesh.Source.Find(key));
    }

    [Fact]
    public async Task WatchProxyless_InstanceRegisteredThenIntentionDenies_NewSnapshotsFollowTheStore()
    {
        await using var mesh = await ProxyCfgServer.StartAsync();
        await using var watch = mesh.Source.WatchProxyless(ProxylessKey.Of("pod-1", "web", RequestToken.Anonymous));
        var empty = await watch.NextAsync(ProxyCfgServer.Timeout());
        Assert.Equal(["consul"], empty!.ServiceNames()); // the server itself, as in Consul's catalog
        var builds = mesh.Source.Builds;

        await mesh.RegisterAsync(Greeter);
        var registered = await NextMatchingAsync(watch, snapshot => snapshot.Find("greeter") is not null);
        Assert.Equal(("127.0.0.1", 50051), (registered.Find("greeter")!.Endpoints.Single().Address, registered.Find("greeter")!.Endpoints.Single().Port));
        Assert.True(registered.Find("greeter")!.MayDial);
        Assert.True(mesh.Source.Builds > builds);
        Assert.True(mesh.Source.Publishes >= 2);

        using var response = await mesh.Server.PutJsonAsync("/v1/config", """{"Kind":"service-intentions","Name":"greeter","Sources":[{"Name":"web","Action":"deny"}]}""");
        Assert.True(response.IsSuccessStatusCode);
        var denied = await NextMatchingAsync(watch, snapshot => snapshot.Find("greeter") is { MayDial: false });
        Assert.Single(denied.Find("greeter")!.Endpoints);
    }

    [Fact]
    public async Task WatchProxyless_AclsOn_EachTokenSeesWhatItMayReadAndPolicyChangesRebuild()
    {
        await using var mesh = await ProxyCfgServer.StartAsync(configure: config => config with
        {
            Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny },
        });
        var management = await AclTestTokens.ManagementAsync(mesh.Server);
        mesh.Server.Http.DefaultRequestHeaders.Add("X-Consul-Token", management);
        await mesh.RegisterAsync(Greeter);
        await mesh.RegisterAsync("""{"Node":"apps","Address":"127.0.0.1","Service":{"ID":"web-1","Service":"web","Port":8080}}""");
        var webOnly = await AclTestTokens.CreateAsync(mesh.Server, """service "web" { policy = "read" }""");
        var everything = await AclTestTokens.CreateAsync(mesh.Server, """service_prefix "" { policy = "read" }""");

        await using var limited = mesh.Source.WatchProxyless(ProxylessKey.Of("pod-1", null, new RequestToken(webOnly)));
        await using var full = mesh.Source.WatchProxyless(ProxylessKey.Of("pod-1", null, new RequestToken(everything)));

        Assert.Equal(["web"], (await limited.NextAsync(ProxyCfgServer.Timeout()))!.ServiceNames());
        Assert.Equal(["consul", "greeter", "web"], (await full.NextAsync(ProxyCfgServer.Timeout()))!.ServiceNames());
        Assert.Equal(2, mesh.Source.WatchedProxyless);

        // Widening the token's policy (an ACL write) rebuilds the snapshot with what it may now read.
        var policyId = mesh.Server.Server.Fsm.Current.FindAclTokenBySecret(webOnly)!.Policies[0].Id;
        var policy = mesh.Server.Server.Fsm.Current.AclPolicies[policyId];
        await AclTestTokens.ProposeAsync(mesh.Server, new Mesh.Fsm.Commands.AclPolicySetCommand
        {
            Policy = policy with { Rules = """service_prefix "" { policy = "read" }""" },
        });
        var widened = await NextMatchingAsync(limited, snapshot => snapshot.Services.Count == 3);
        Assert.Equal(["consul", "greeter", "web"], widened.ServiceNames());
    }

    private static async Task<ProxylessSnapshot> NextMatchingAsync(ProxylessWatch watch, Func<ProxylessSnapshot, bool> done)
    {
        var timeout = ProxyCfgServer.Timeout();
        while (true)
        {
            var snapshot = await watch.NextAsync(timeout);
            Assert.NotNull(snapshot);
            if (done(snapshot))
            {
                return snapshot;
            }
        }
    }
}
