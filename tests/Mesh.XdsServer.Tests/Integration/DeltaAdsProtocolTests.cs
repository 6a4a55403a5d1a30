using Envoy.Config.Endpoint.V3;
using Envoy.Service.Discovery.V3;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Integration;

/// <summary>Delta ADS over a real gRPC connection to a real server: the exchanges Envoy makes.</summary>
public sealed class DeltaAdsProtocolTests
{
    [Fact]
    public async Task Sync_WildcardClustersAndListeners_NamedEndpoints_AllAcked()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();

        await envoy.SyncAsync();

        var clusters = envoy.HeldOf(XdsTypeUrls.Cluster).Keys.ToList();
        Assert.Contains("local_app", clusters);
        var db = Assert.Single(envoy.EdsClusterNames());
        Assert.StartsWith("db.default.dc1.internal.", db, StringComparison.Ordinal);
        var endpoints = envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, db);
        Assert.Equal("127.0.0.21", endpoints.Endpoints.Single().LbEndpoints.Single().Endpoint.Address.SocketAddress.Address);
        Assert.Contains(envoy.HeldOf(XdsTypeUrls.Listener).Keys, name => name.StartsWith("public_listener:", StringComparison.Ordinal));
        Assert.Contains("db:127.0.0.1:9191", envoy.HeldOf(XdsTypeUrls.Listener).Keys);
        Assert.All(envoy.Held.Values.SelectMany(v => v.Values), version => Assert.Matches("^[0-9a-f]{64}$", version));
        await envoy.ExpectNothingAsync();
        Assert.Equal(1, mesh.Xds.Streams.Metrics.ActiveStreams);
        Assert.True(mesh.Xds.Streams.Metrics.Pushes >= 3);
        Assert.True(mesh.Xds.Streams.Metrics.Acks >= 3);
    }

    [Fact]
    public async Task Sync_HttpUpstreamWithRouter_ServesItsRouteOverRds()
    {
        await using var mesh = await XdsMesh.StartAsync();
        await mesh.WriteConfigAsync("""{"Kind":"service-defaults","Name":"db","Protocol":"http"}""");
        await mesh.WriteConfigAsync("""{"Kind":"service-router","Name":"db","Routes":[{"Match":{"HTTP":{"PathPrefix":"/admin"}},"Destination":{"Service":"db"}}]}""");
        await mesh.RegisterDbAsync(1);
        await mesh.RegisterWebSidecarAsync();
        await using var envoy = mesh.OpenWeb();

        await envoy.SyncAsync();

        Assert.Equal(["db"], envoy.RouteNames());
        Assert.Equal(["db"], envoy.HeldOf(XdsTypeUrls.RouteConfiguration).Keys);
    }

    [Fact]
    public async Task EndpointChange_SendsOnlyThatLoadAssignment()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();
        await envoy.ExpectNothingAsync();

        await mesh.RegisterDbAsync(2);

        var response = await envoy.ReceiveAsync();
        Assert.Equal(XdsTypeUrls.ClusterLoadAssignment, response.TypeUrl);
        var cla = Assert.Single(response.Resources);
        Assert.Equal(envoy.EdsClusterNames().Single(), cla.Name);
        Assert.Equal(2, cla.Resource_.Unpack<ClusterLoadAssignment>().Endpoints.SelectMany(l => l.LbEndpoints).Count());
        Assert.Empty(response.RemovedResources);
        await envoy.AckAsync(response);
        await envoy.ExpectNothingAsync();
    }

    [Fact]
    public async Task UpstreamRemoved_ListenerThenClusterAndEndpointsInRemovedResources()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();
        var db = envoy.EdsClusterNames().Single();

        await mesh.RegisterWebSidecarAsync(withDb: false);

        var responses = new List<DeltaDiscoveryResponse>();
        while (!responses.Any(r => r.TypeUrl == XdsTypeUrls.ClusterLoadAssignment && r.RemovedResources.Contains(db)))
        {
            var response = await envoy.ReceiveAsync();
            responses.Add(response);
            await envoy.AckAsync(response);
        }

        var types = responses.Where(r => r.RemovedResources.Count > 0).Select(r => r.TypeUrl).ToList();
        Assert.Equal([XdsTypeUrls.Listener, XdsTypeUrls.Cluster, XdsTypeUrls.ClusterLoadAssignment], types);
        Assert.Contains("db:127.0.0.1:9191", responses[types.IndexOf(XdsTypeUrls.Listener)].RemovedResources);
        Assert.DoesNotContain(db, envoy.HeldOf(XdsTypeUrls.Cluster).Keys);
        Assert.DoesNotContain("db:127.0.0.1:9191", envoy.HeldOf(XdsTypeUrls.Listener).Keys);
    }

    [Fact]
    public async Task Nack_SameVersionNotResent_LaterChangeStillFlows()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();
        await envoy.ExpectNothingAsync();

        await mesh.RegisterDbAsync(2);
        var rejected = await envoy.ReceiveAsync();
        Assert.Equal(XdsTypeUrls.ClusterLoadAssignment, rejected.TypeUrl);
        await envoy.NackAsync(rejected, "endpoint rejected by test");

        // A new snapshot that changes only listeners: the rejected endpoints are not sent again.
        await mesh.WriteConfigAsync("""{"Kind":"service-intentions","Name":"web","Sources":[{"Name":"api","Action":"deny"}]}""");
        var listeners = await envoy.ReceiveAsync();
        Assert.Equal(XdsTypeUrls.Listener, listeners.TypeUrl);
        await envoy.AckAsync(listeners);
        await envoy.ExpectNothingAsync();
        Assert.Equal(1, mesh.Xds.Streams.Metrics.Nacks);

        await mesh.RegisterDbAsync(3);
        var next = await envoy.ReceiveAsync();
        Assert.Equal(XdsTypeUrls.ClusterLoadAssignment, next.TypeUrl);
        Assert.Equal(3, next.Resources.Single().Resource_.Unpack<ClusterLoadAssignment>().Endpoints.SelectMany(l => l.LbEndpoints).Count());
    }

    [Fact]
    public async Task Reconnect_WithInitialResourceVersions_SendsOnlyWhatChanged()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        Dictionary<string, Dictionary<string, string>> held;
        await using (var first = mesh.OpenWeb())
        {
            await first.SyncAsync();
            held = first.Held.ToDictionary(p => p.Key, p => new Dictionary<string, string>(p.Value));
            envoy.Adopt(first);
        }

        await mesh.RegisterDbAsync(2);
        var pushesBefore = mesh.Xds.Streams.Metrics.ResourcesPushed;
        await envoy.SyncAsync(sendInitialVersions: true);

        // Wait for the snapshot with both db instances (the first one may predate the registration).
        var db = held[XdsTypeUrls.ClusterLoadAssignment].Keys.Single();
        while (envoy.Resource<ClusterLoadAssignment>(XdsTypeUrls.ClusterLoadAssignment, db).Endpoints.SelectMany(l => l.LbEndpoints).Count() < 2)
        {
            await envoy.AckAsync(await envoy.ReceiveAsync());
        }

        Assert.Equal(held[XdsTypeUrls.Cluster], envoy.HeldOf(XdsTypeUrls.Cluster));
        Assert.Equal(held[XdsTypeUrls.Listener], envoy.HeldOf(XdsTypeUrls.Listener));
        Assert.NotEqual(held[XdsTypeUrls.ClusterLoadAssignment][db], envoy.HeldOf(XdsTypeUrls.ClusterLoadAssignment)[db]);
        Assert.InRange(mesh.Xds.Streams.Metrics.ResourcesPushed - pushesBefore, 1, 2); // db's endpoints, not the clusters and listeners
    }

    [Fact]
    public async Task Reconnect_NothingChanged_ResendsNoResources()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        Dictionary<string, Dictionary<string, string>> held;
        await using (var first = mesh.OpenWeb())
        {
            await first.SyncAsync();
            held = first.Held.ToDictionary(p => p.Key, p => new Dictionary<string, string>(p.Value));
        }

        await using var envoy = mesh.OpenWeb();
        await envoy.SendAsync(Initial(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster }, held[XdsTypeUrls.Cluster]));
        var cds = await envoy.ReceiveAsync();

        Assert.Equal(XdsTypeUrls.Cluster, cds.TypeUrl);
        Assert.Empty(cds.Resources);
        Assert.Empty(cds.RemovedResources);
    }

    [Fact]
    public async Task UnsubscribeThenResubscribe_NothingWhileUnsubscribed_ThenCurrentEndpoints()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();
        await envoy.ExpectNothingAsync();
        var db = envoy.EdsClusterNames().Single();

        await envoy.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, [], [db]);
        await mesh.RegisterDbAsync(2);
        await envoy.ExpectNothingAsync();

        await envoy.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, [db]);
        var response = await envoy.ReceiveAsync();
        Assert.Equal(XdsTypeUrls.ClusterLoadAssignment, response.TypeUrl);
        Assert.Equal(2, response.Resources.Single(r => r.Name == db).Resource_.Unpack<ClusterLoadAssignment>().Endpoints.SelectMany(l => l.LbEndpoints).Count());
    }

    [Fact]
    public async Task Resubscribe_ResendsAResourceTheClientAlreadyHas()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();
        await envoy.ExpectNothingAsync();
        var db = envoy.EdsClusterNames().Single();
        var version = envoy.HeldOf(XdsTypeUrls.ClusterLoadAssignment)[db];

        await envoy.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, [db]);

        var response = await envoy.ReceiveAsync();
        Assert.Equal((db, version), (response.Resources.Single().Name, response.Resources.Single().Version));
    }

    [Fact]
    public async Task StaleNonce_SubscriptionChangeIsHonoured()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();
        await envoy.ExpectNothingAsync();

        await envoy.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, ["no-such-cluster"], nonce: "00000001");

        var response = await envoy.ReceiveAsync();
        Assert.Equal(XdsTypeUrls.ClusterLoadAssignment, response.TypeUrl);
        Assert.Equal(["no-such-cluster"], response.RemovedResources);
    }

    [Fact]
    public async Task IntentionChange_UpdatesThePublicListener()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var envoy = mesh.OpenWeb();
        await envoy.SyncAsync();
        await envoy.ExpectNothingAsync();
        var (publicListener, before) = envoy.HeldOf(XdsTypeUrls.Listener).Single(p => p.Key.StartsWith("public_listener:", StringComparison.Ordinal));

        await mesh.WriteConfigAsync("""{"Kind":"service-intentions","Name":"web","Sources":[{"Name":"api","Action":"deny"}]}""");

        var response = await envoy.ReceiveAsync();
        Assert.Equal(XdsTypeUrls.Listener, response.TypeUrl);
        var listener = Assert.Single(response.Resources);
        Assert.Equal(publicListener, listener.Name);
        Assert.NotEqual(before, listener.Version);
    }

    private static DeltaDiscoveryRequest Initial(DeltaDiscoveryRequest request, Dictionary<string, string> versions)
    {
        request.InitialResourceVersions.Add(versions);
        return request;
    }
}
