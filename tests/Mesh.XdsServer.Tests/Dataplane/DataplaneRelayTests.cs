using System.Net.Sockets;
using Envoy.Config.Bootstrap.V3;
using Envoy.Config.Endpoint.V3;
using Mesh.Agent.Cli;
using Mesh.Testing;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Dataplane;

/// <summary>
/// <c>mesh dataplane</c> (run in process through the CLI) in front of a delta xDS client, against a 3-server cluster:
/// configuration arrives through it; when the server it relays to is killed, the client's stream stays open, the
/// relay moves to another server, and the next endpoint change still arrives.
/// </summary>
public sealed class DataplaneRelayTests
{
    private static async Task WaitForListenerAsync(int port)
        => await TestCluster.WaitUntilAsync(() =>
        {
            using var probe = new TcpClient();
            try
            {
                probe.Connect("127.0.0.1", port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the dataplane's xDS listener");

    private static int DbEndpoints(DeltaAdsClient envoy)
        => envoy.HeldOf(XdsTypeUrls.ClusterLoadAssignment).Keys
            .Where(name => name.StartsWith("db.", StringComparison.Ordinal))
            .Sum(name => envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, name).Endpoints.Sum(l => l.LbEndpoints.Count));

    [Fact]
    public async Task BootstrapOnly_PrintsAnAdsClusterNamedConsulDataplane_PointingAtTheLocalListener()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CommandLine.RunAsync(
            ["dataplane", "-addresses", $"127.0.0.1:{mesh.GrpcPort}", "-tls-disabled", "-proxy-id", XdsMesh.WebProxy, "-proxy-node-name", XdsMesh.WebNode,
             "-xds-bind-port", "20555", "-bootstrap-only"],
            new CliConsole(output, error), CancellationToken.None);

        Assert.True(code == 0, error.ToString());
        var bootstrap = EnvoyJson.Parse<Bootstrap>(output.ToString());
        Assert.Equal(XdsMesh.WebProxy, bootstrap.Node.Id);
        Assert.Equal("web", bootstrap.Node.Cluster);
        var ads = bootstrap.DynamicResources.AdsConfig.GrpcServices.Single();
        Assert.Equal("consul-dataplane", ads.EnvoyGrpc.ClusterName);
        Assert.Empty(ads.InitialMetadata);
        var socket = bootstrap.StaticResources.Clusters.Single(c => c.Name == "consul-dataplane").LoadAssignment.Endpoints.Single().LbEndpoints.Single().Endpoint.Address.SocketAddress;
        Assert.Equal(("127.0.0.1", 20555u), (socket.Address, socket.PortValue));
    }

    [Fact]
    public async Task BadFlagsAndAnUnknownProxy_AreClearErrors()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error);

        Assert.Equal(1, await CommandLine.RunAsync(["dataplane", "-proxy-id", "x", "-proxy-node-name", "n"], console, CancellationToken.None));
        Assert.Contains("-addresses is required", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await CommandLine.RunAsync(
            ["dataplane", "-addresses", $"127.0.0.1:{mesh.GrpcPort}", "-tls-disabled", "-proxy-id", "nope", "-proxy-node-name", XdsMesh.WebNode, "-bootstrap-only"],
            console, CancellationToken.None));
        Assert.Contains("NotFound", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigArrivesThroughTheDataplane_AndSurvivesKillingItsServer()
    {
        await using var cluster = await TestCluster.StartAsync(3, XdsMesh.Fast);
        var leader = cluster.Leader;
        await XdsMesh.RegisterDbAsync(leader, 1);
        await XdsMesh.RegisterWebSidecarAsync(leader);

        // The dataplane reads the bootstrap parameters from the follower it dials: it must have applied the registration.
        await TestCluster.WaitUntilAsync(
            () => cluster.Running.All(s => s.Server.Fsm.Current.FindService(XdsMesh.WebNode, XdsMesh.WebProxy) is not null),
            TimeSpan.FromSeconds(60), "every server to apply the sidecar's registration");

        // The dataplane tries the servers in the order given: a follower first, so it relays to that one.
        var first = cluster.Followers.First();
        var ordered = cluster.Running.OrderBy(s => s == first ? 0 : 1).Select(s => $"127.0.0.1:{s.Server.Config.GrpcPort}");
        var xdsPort = FreePort.Next();
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var dataplane = CommandLine.RunAsync(
            ["dataplane", "-addresses", string.Join(',', ordered), "-tls-disabled", "-proxy-id", XdsMesh.WebProxy, "-proxy-node-name", XdsMesh.WebNode,
             "-xds-bind-port", xdsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-log-level", "warn"],
            new CliConsole(output, error), stop.Token);
        try
        {
            await WaitForListenerAsync(xdsPort);
            await using var envoy = DeltaAdsClient.Open(xdsPort, XdsMesh.WebProxy, XdsMesh.WebNode);
            await envoy.SyncAsync();
            Assert.Contains("local_app", envoy.HeldOf(XdsTypeUrls.Cluster).Keys);
            Assert.Equal(1, DbEndpoints(envoy));

            await cluster.StopAsync(first);
            await XdsMesh.RegisterDbAsync(cluster.Leader, 2);

            // The client's stream was never closed; the change arrives through another server.
            while (DbEndpoints(envoy) < 2)
            {
                var response = await envoy.ReceiveAsync(TimeSpan.FromSeconds(60));
                await envoy.AckAsync(response);
            }

            Assert.Equal(2, DbEndpoints(envoy));
            Assert.False(dataplane.IsCompleted, error.ToString());
        }
        finally
        {
            await stop.CancelAsync();
            var code = await dataplane;
            Assert.True(code == 0, error.ToString());
        }
    }
}
