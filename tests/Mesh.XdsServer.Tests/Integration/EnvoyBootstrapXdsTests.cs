using Envoy.Config.Bootstrap.V3;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Agent.Cli;
using Mesh.Testing;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Integration;

/// <summary><c>mesh connect envoy -bootstrap</c> points Envoy at a gRPC port that serves its configuration.</summary>
public sealed class EnvoyBootstrapXdsTests
{
    [Fact]
    public async Task Bootstrap_AdsClusterAndNode_ReachThisServersDeltaAds()
    {
        await using var mesh = await XdsMesh.StartAsync();
        await mesh.RegisterDbAsync(1);
        using (var register = await mesh.Server.PutJsonAsync("/v1/agent/service/register",
            """{"Name":"web","Port":8080,"Connect":{"SidecarService":{"Proxy":{"Upstreams":[{"DestinationName":"db","LocalBindPort":9191}]}}}}"""))
        {
            Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync(
            ["connect", "envoy", "-bootstrap", "-sidecar-for", "web", "-http-addr", mesh.Server.Http.BaseAddress!.ToString(), "-token", "t1"],
            new CliConsole(output, error), CancellationToken.None);
        Assert.True(code == 0, error.ToString());
        var bootstrap = EnvoyJson.Parse<Bootstrap>(output.ToString());

        var socket = bootstrap.StaticResources.Clusters.Single(c => c.Name == "local_agent").LoadAssignment.Endpoints.Single().LbEndpoints.Single().Endpoint.Address.SocketAddress;
        Assert.Equal(mesh.GrpcPort, (int)socket.PortValue);
        await using var envoy = DeltaAdsClient.Open((int)socket.PortValue, bootstrap.Node.Id, token: "t1");
        await envoy.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster, Node = bootstrap.Node });
        var clusters = await envoy.ReceiveAsync();

        Assert.Equal(XdsTypeUrls.Cluster, clusters.TypeUrl);
        Assert.Contains("local_app", clusters.Resources.Select(r => r.Name));
        Assert.Contains(clusters.Resources, r => r.Name.StartsWith("db.default.dc1.internal.", StringComparison.Ordinal));
    }

    /// <summary>
    /// ACLs on (default deny): <c>mesh connect envoy -bootstrap -token</c> writes the token into the ADS stream's
    /// initial metadata, and a stream opened with exactly that metadata is served; the same bootstrap made with a
    /// token lacking service:write on web, or an unknown token, is refused.
    /// </summary>
    [Fact]
    public async Task Bootstrap_TokenInAdsMetadata_IsWhatAuthorizesTheStream_OnADefaultDenyServer()
    {
        await using var mesh = await XdsMesh.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var management = await AclTestTokens.ManagementAsync(mesh.Server);
        mesh.Server.Http.DefaultRequestHeaders.Add("X-Consul-Token", management);
        await mesh.RegisterDbAsync(1);
        using (var register = await mesh.Server.PutJsonAsync("/v1/agent/service/register",
            """{"Name":"web","Port":8080,"Connect":{"SidecarService":{"Proxy":{"Upstreams":[{"DestinationName":"db","LocalBindPort":9191}]}}}}"""))
        {
            Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
        }

        // What `connect envoy` itself reads (agent self, the agent's services) and, for one, what the proxy needs.
        const string cliReads = """agent_prefix "" { policy = "read" } service_prefix "" { policy = "read" } """;
        var webWrite = await AclTestTokens.CreateAsync(mesh.Server, cliReads + """service "web" { policy = "write" }""");
        var dbWrite = await AclTestTokens.CreateAsync(mesh.Server, cliReads + """service "db" { policy = "write" }""");

        async Task<(Bootstrap Bootstrap, string Token)> BootstrapAsync(string token)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await CommandLine.RunAsync(
                ["connect", "envoy", "-bootstrap", "-sidecar-for", "web", "-http-addr", mesh.Server.Http.BaseAddress!.ToString(), "-token", token],
                new CliConsole(output, error), CancellationToken.None);
            Assert.True(code == 0, error.ToString());
            var bootstrap = EnvoyJson.Parse<Bootstrap>(output.ToString());
            var metadata = Assert.Single(bootstrap.DynamicResources.AdsConfig.GrpcServices).InitialMetadata;
            return (bootstrap, Assert.Single(metadata, m => m.Key == "x-consul-token").Value);
        }

        var (good, goodToken) = await BootstrapAsync(webWrite);
        Assert.Equal(webWrite, goodToken);
        await using (var envoy = DeltaAdsClient.Open(mesh.GrpcPort, good.Node.Id, token: goodToken))
        {
            await envoy.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster, Node = good.Node });
            var clusters = await envoy.ReceiveAsync();
            Assert.Equal(XdsTypeUrls.Cluster, clusters.TypeUrl);
            Assert.Contains("local_app", clusters.Resources.Select(r => r.Name));
        }

        // A sidecar's usual token (what a service identity for web grants) has no agent:read: as with Consul's
        // command, the bootstrap is still made (the agent's gRPC port then comes from -grpc-addr), with a warning.
        var identity = await AclTestTokens.CreateAsync(mesh.Server,
            """service "web" { policy = "write" } service "web-sidecar-proxy" { policy = "write" } service_prefix "" { policy = "read" } node_prefix "" { policy = "read" }""");
        using (var output = new StringWriter())
        using (var error = new StringWriter())
        {
            var code = await CommandLine.RunAsync(
                ["connect", "envoy", "-bootstrap", "-sidecar-for", "web", "-http-addr", mesh.Server.Http.BaseAddress!.ToString(),
                 "-grpc-addr", $"http://127.0.0.1:{mesh.GrpcPort}", "-token", identity],
                new CliConsole(output, error), CancellationToken.None);
            Assert.True(code == 0, error.ToString());
            Assert.Contains("lacks agent:read", error.ToString(), StringComparison.Ordinal);
            var bootstrap = EnvoyJson.Parse<Bootstrap>(output.ToString());
            Assert.Equal("dc1", bootstrap.StatsConfig.StatsTags.Single(t => t.TagName == "consul.source.datacenter").FixedValue);
            await using var envoy = DeltaAdsClient.Open(mesh.GrpcPort, bootstrap.Node.Id, token: identity);
            await envoy.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster, Node = bootstrap.Node });
            Assert.Contains("local_app", (await envoy.ReceiveAsync()).Resources.Select(r => r.Name));
        }

        var (other, otherToken) = await BootstrapAsync(dbWrite);
        Assert.Equal(dbWrite, otherToken);
        await using (var envoy = DeltaAdsClient.Open(mesh.GrpcPort, other.Node.Id, token: otherToken))
        {
            await envoy.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster, Node = other.Node });
            var refused = await envoy.ExpectErrorAsync();
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
            Assert.Contains("lacks permission 'service:write' on \"web\"", refused.Status.Detail, StringComparison.Ordinal);
        }

        await using (var envoy = DeltaAdsClient.Open(mesh.GrpcPort, good.Node.Id, token: Guid.NewGuid().ToString()))
        {
            await envoy.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster, Node = good.Node });
            Assert.Equal(StatusCode.Unauthenticated, (await envoy.ExpectErrorAsync()).StatusCode);
        }
    }
}
