using Envoy.Config.Bootstrap.V3;
using Envoy.Service.Discovery.V3;
using Mesh.Agent.Cli;
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
}
