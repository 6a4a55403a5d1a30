using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Mesh.Testing;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Integration;

/// <summary>Stream management: identity, unknown proxies, bad streams, the stream cap, removal, drain, followers.</summary>
public sealed class DeltaAdsStreamTests
{
    [Fact]
    public async Task UnknownProxy_NotFound_ThenServedOnceRegistered()
    {
        await using var mesh = await XdsMesh.StartAsync();
        await using (var early = mesh.OpenWeb())
        {
            await early.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster });
            var error = await early.ExpectErrorAsync();
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Contains(XdsMesh.WebProxy, error.Status.Detail, StringComparison.Ordinal);
        }

        await mesh.RegisterDbAsync(1);
        await mesh.RegisterWebSidecarAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();

        Assert.Contains("local_app", envoy.HeldOf(XdsTypeUrls.Cluster).Keys);
    }

    [Fact]
    public async Task NodeNameOmitted_ProxyFoundByItsServiceId()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = DeltaAdsClient.Open(mesh.GrpcPort, XdsMesh.WebProxy);

        await envoy.SyncAsync();

        Assert.Contains(envoy.HeldOf(XdsTypeUrls.Listener).Keys, name => name.StartsWith("public_listener:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadStreams_ClearErrors_AndAHealthyStreamIsUnaffected()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var healthy = mesh.OpenWeb();
        await healthy.SyncAsync();
        await healthy.ExpectNothingAsync();

        await using (var garbage = mesh.OpenWeb())
        {
            await garbage.SendAsync(new DeltaDiscoveryRequest { TypeUrl = "garbage" });
            var error = await garbage.ExpectErrorAsync();
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("unsupported type URL", error.Status.Detail, StringComparison.Ordinal);
        }

        await using (var noType = mesh.OpenWeb())
        {
            await noType.SendAsync(new DeltaDiscoveryRequest());
            Assert.Equal(StatusCode.InvalidArgument, (await noType.ExpectErrorAsync()).StatusCode);
        }

        await using (var noNode = DeltaAdsClient.Open(mesh.GrpcPort, string.Empty))
        {
            await noNode.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster, Node = new Envoy.Config.Core.V3.Node() });
            var error = await noNode.ExpectErrorAsync();
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("node.id", error.Status.Detail, StringComparison.Ordinal);
        }

        await using (var huge = mesh.OpenWeb())
        {
            await huge.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, Enumerable.Range(0, XdsServerOptions.DefaultMaxSubscriptionsPerType + 1).Select(i => "c" + i));
            var error = await huge.ExpectErrorAsync();
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("too many resource names", error.Status.Detail, StringComparison.Ordinal);
        }

        var abrupt = mesh.OpenWeb();
        await abrupt.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster });
        await abrupt.ReceiveAsync();
        await abrupt.DisposeAsync(); // cancels the call mid-stream
        await TestCluster.WaitUntilAsync(() => mesh.Xds.Streams.Metrics.ActiveStreams == 1, TimeSpan.FromSeconds(10), "the abandoned stream to be released");

        await mesh.RegisterDbAsync(2);
        var update = await healthy.ReceiveAsync();
        Assert.Equal(XdsTypeUrls.ClusterLoadAssignment, update.TypeUrl);
    }

    [Fact]
    public async Task StreamCap_OverTheCap_ResourceExhausted_FreedSlotAcceptedAgain()
    {
        await using var mesh = await XdsMesh.StartAsync(config => config with { XdsMaxStreams = 2 });
        await mesh.RegisterDbAsync(1);
        await mesh.RegisterWebSidecarAsync();
        var first = mesh.OpenWeb();
        await first.SyncAsync();
        await using var second = mesh.OpenWeb();
        await second.SyncAsync();

        await using (var third = mesh.OpenWeb())
        {
            await third.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster });
            var error = await third.ExpectErrorAsync();
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
            Assert.Contains("too many xDS streams", error.Status.Detail, StringComparison.Ordinal);
        }

        await first.DisposeAsync();
        await TestCluster.WaitUntilAsync(() => mesh.Xds.Streams.Open == 1, TimeSpan.FromSeconds(10), "the closed stream to be released");
        await using var fourth = mesh.OpenWeb();
        await fourth.SyncAsync();
        Assert.Contains("local_app", fourth.HeldOf(XdsTypeUrls.Cluster).Keys);
        Assert.Equal(1, mesh.Xds.Streams.Metrics.StreamsRejected);
    }

    [Fact]
    public async Task ProxyDeregistered_StreamEndsWithNotFound()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();

        await mesh.DeregisterAsync(XdsMesh.WebNode, XdsMesh.WebProxy);

        var error = await envoy.ExpectErrorAsync();
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("removed", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_DrainsStreamsWithUnavailable()
    {
        var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();

        var stopping = mesh.DisposeAsync().AsTask();

        var error = await envoy.ExpectErrorAsync();
        Assert.True(error.StatusCode == StatusCode.Unavailable, $"expected Unavailable, got {error.StatusCode}: {error.Status.Detail} {error.Status.DebugException}");
        await stopping;
    }

    [Fact]
    public async Task Follower_ServesTheProxyFromItsOwnState()
    {
        await using var cluster = await TestCluster.StartAsync(3, XdsMesh.Fast);
        var leader = cluster.Leader;
        await leader.Server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await XdsMesh.RegisterDbAsync(leader, 1);
        await XdsMesh.RegisterWebSidecarAsync(leader);
        var follower = cluster.Followers.First();
        await TestCluster.WaitUntilAsync(
            () => follower.Server.Fsm.Current.FindService(XdsMesh.WebNode, XdsMesh.WebProxy) is not null && follower.Server.Fsm.Current.Ca is not null,
            TimeSpan.FromSeconds(20), "the registration to reach the follower");

        await using var envoy = DeltaAdsClient.Open(follower.Server.Config.GrpcPort, XdsMesh.WebProxy, XdsMesh.WebNode);
        await envoy.SyncAsync();

        Assert.StartsWith("db.default.dc1.internal.", envoy.EdsClusterNames().Single(), StringComparison.Ordinal);
        Assert.Contains("db:127.0.0.1:9191", envoy.HeldOf(XdsTypeUrls.Listener).Keys);
        Assert.Equal(1, follower.Server.Xds!.Streams.Metrics.ActiveStreams);
        Assert.Equal(0, leader.Server.Xds!.Streams.Metrics.StreamsOpened);
    }
}
