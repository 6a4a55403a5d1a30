using Envoy.Config.Cluster.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Mesh.Xds;

namespace Mesh.XdsServer.Tests.Sotw;

/// <summary>State-of-the-world ADS over a real gRPC connection to a real server, driven as a gRPC client would.</summary>
public class SotwAdsStreamTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task StreamAggregatedResources_GreeterTarget_ServesListenerRouteClusterEndpointsChain()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await mesh.RegisterAsync("greeter-1", "greeter", 50051);
        await using var stream = mesh.Open("client-1");

        await stream.SubscribeAsync(XdsTypeUrls.Listener, "greeter");
        var lds = await stream.NextOfAsync(XdsTypeUrls.Listener);
        var listener = Assert.Single(lds.Resources).Unpack<Listener>();
        Assert.Equal("greeter", listener.Name);
        var manager = listener.ApiListener.ApiListener_.Unpack<HttpConnectionManager>();
        Assert.Equal(XdsTypeUrls.Router, manager.HttpFilters[^1].TypedConfig.TypeUrl);
        Assert.Equal("1", lds.VersionInfo);
        await stream.AckAsync(lds, "greeter");

        await stream.SubscribeAsync(XdsTypeUrls.RouteConfiguration, manager.Rds.RouteConfigName);
        var rds = await stream.NextOfAsync(XdsTypeUrls.RouteConfiguration);
        var route = Assert.Single(rds.Resources).Unpack<RouteConfiguration>();
        var clusterName = Assert.Single(Assert.Single(route.VirtualHosts).Routes).Route_.Cluster;
        Assert.Equal("greeter", clusterName);
        await stream.AckAsync(rds, route.Name);

        await stream.SubscribeAsync(XdsTypeUrls.Cluster, clusterName);
        var cds = await stream.NextOfAsync(XdsTypeUrls.Cluster);
        var cluster = Assert.Single(cds.Resources).Unpack<Cluster>();
        Assert.Equal(Cluster.Types.DiscoveryType.Eds, cluster.Type);
        Assert.Equal(Cluster.Types.LbPolicy.RoundRobin, cluster.LbPolicy);
        await stream.AckAsync(cds, clusterName);

        await stream.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, cluster.EdsClusterConfig.ServiceName);
        var eds = await stream.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
        var assignment = Assert.Single(eds.Resources).Unpack<ClusterLoadAssignment>();
        var endpoint = Assert.Single(Assert.Single(assignment.Endpoints).LbEndpoints).Endpoint.Address.SocketAddress;
        Assert.Equal(("127.0.0.1", 50051u), (endpoint.Address, endpoint.PortValue));
        await stream.AckAsync(eds, assignment.ClusterName);

        Assert.Equal(4, new[] { lds.Nonce, rds.Nonce, cds.Nonce, eds.Nonce }.Distinct().Count());
        await stream.ExpectSilenceAsync(Quiet);
        Assert.Equal(1, mesh.Xds.Streams.Open);
        Assert.True(mesh.Xds.Streams.Metrics.Acks >= 4);
        Assert.True(mesh.Xds.Streams.Metrics.Pushes >= 4);
    }

    [Fact]
    public async Task StreamAggregatedResources_EndpointAdded_PushesOnlyANewEdsVersion()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await mesh.RegisterAsync("greeter-1", "greeter", 50051);
        await using var stream = mesh.Open("client-1");
        var first = await SubscribeWholeChainAsync(stream);

        await mesh.RegisterAsync("greeter-2", "greeter", 50052);

        var eds = await stream.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
        Assert.Equal("2", eds.VersionInfo);
        Assert.NotEqual(first[XdsTypeUrls.ClusterLoadAssignment].Nonce, eds.Nonce);
        var ports = Assert.Single(eds.Resources).Unpack<ClusterLoadAssignment>().Endpoints.Single().LbEndpoints
            .Select(e => e.Endpoint.Address.SocketAddress.PortValue).Order();
        Assert.Equal([50051u, 50052u], ports);
        await stream.AckAsync(eds, "greeter");
        await stream.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task StreamAggregatedResources_InstanceGoesCritical_LeavesTheEndpoints()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await mesh.RegisterAsync("greeter-1", "greeter", 50051, status: "passing");
        await mesh.RegisterAsync("greeter-2", "greeter", 50052, status: "passing");
        await using var stream = mesh.Open("client-1");
        await stream.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, "greeter");
        var eds = await stream.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
        Assert.Equal(2, eds.Resources.Single().Unpack<ClusterLoadAssignment>().Endpoints.Single().LbEndpoints.Count);
        await stream.AckAsync(eds, "greeter");

        await mesh.RegisterAsync("greeter-2", "greeter", 50052, status: "critical");

        var next = await stream.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
        var only = Assert.Single(next.Resources.Single().Unpack<ClusterLoadAssignment>().Endpoints.Single().LbEndpoints);
        Assert.Equal(50051u, only.Endpoint.Address.SocketAddress.PortValue);
    }

    [Fact]
    public async Task StreamAggregatedResources_Nack_SameVersionNotResentAndALaterChangeFlows()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await mesh.RegisterAsync("greeter-1", "greeter", 50051);
        await using var stream = mesh.Open("client-1");
        await stream.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, "greeter");
        var first = await stream.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
        await stream.AckAsync(first, "greeter");
        await mesh.RegisterAsync("greeter-2", "greeter", 50052);
        var rejected = await stream.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);

        var nacksBefore = mesh.Xds.Streams.Metrics.Nacks;
        await stream.NackAsync(rejected, first.VersionInfo, "endpoint rejected by test", "greeter");
        await stream.ExpectSilenceAsync(Quiet);
        Assert.Equal(nacksBefore + 1, mesh.Xds.Streams.Metrics.Nacks);

        await mesh.RegisterAsync("greeter-3", "greeter", 50053);
        var later = await stream.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
        Assert.Equal("3", later.VersionInfo);
        Assert.Equal(3, later.Resources.Single().Unpack<ClusterLoadAssignment>().Endpoints.Single().LbEndpoints.Count);
    }

    [Fact]
    public async Task StreamAggregatedResources_StaleNonce_Ignored()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await mesh.RegisterAsync("greeter-1", "greeter", 50051);
        await mesh.RegisterAsync("other-1", "other", 50061);
        await using var stream = mesh.Open("client-1");
        await stream.SubscribeAsync(XdsTypeUrls.Cluster, "greeter");
        var first = await stream.NextOfAsync(XdsTypeUrls.Cluster);

        await stream.SendAsync(new DiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster, ResponseNonce = "stale", ResourceNames = { "greeter", "other" } });
        await stream.ExpectSilenceAsync(Quiet);

        await stream.AckAsync(first, "greeter", "other");
        var both = await stream.NextOfAsync(XdsTypeUrls.Cluster);
        Assert.Equal(["greeter", "other"], both.Resources.Select(r => r.Unpack<Cluster>().Name));
    }

    [Fact]
    public async Task StreamAggregatedResources_UnknownName_AbsentUntilRegistered()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await using var stream = mesh.Open("client-1");

        await stream.SubscribeAsync(XdsTypeUrls.Listener, "later:8080");
        var empty = await stream.NextOfAsync(XdsTypeUrls.Listener);
        Assert.Empty(empty.Resources);
        await stream.AckAsync(empty, "later:8080");

        await mesh.RegisterAsync("later-1", "later", 8080);

        var appeared = await stream.NextOfAsync(XdsTypeUrls.Listener);
        Assert.Equal("later:8080", Assert.Single(appeared.Resources).Unpack<Listener>().Name);
    }

    [Fact]
    public async Task StreamAggregatedResources_IntentionDeniesNamedClient_ClusterWithdrawnThenRestored()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await mesh.RegisterAsync("greeter-1", "greeter", 50051);
        await using var stream = mesh.Open("web-7", service: "web");
        await stream.SubscribeAsync(XdsTypeUrls.Cluster, "greeter");
        var allowed = await stream.NextOfAsync(XdsTypeUrls.Cluster);
        Assert.Single(allowed.Resources);
        await stream.AckAsync(allowed, "greeter");

        await mesh.PutAsync("/v1/config", """{"Kind":"service-intentions","Name":"greeter","Sources":[{"Name":"web","Action":"deny"}]}""");

        var denied = await stream.NextOfAsync(XdsTypeUrls.Cluster);
        Assert.Empty(denied.Resources);
        await stream.AckAsync(denied, "greeter");

        await mesh.DeleteAsync("/v1/config/service-intentions/greeter");

        var restored = await stream.NextOfAsync(XdsTypeUrls.Cluster);
        Assert.Single(restored.Resources);
    }

    [Fact]
    public async Task StreamAggregatedResources_EmptyNode_InvalidArgument()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await using var stream = mesh.Open("ignored");

        await stream.SendAsync(new DiscoveryRequest { TypeUrl = XdsTypeUrls.Listener, ResourceNames = { "greeter" } });

        var failure = await stream.FailureAsync();
        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Contains("node.id", failure.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAggregatedResources_GarbageTypeUrl_InvalidArgumentAndOtherStreamsUnaffected()
    {
        await using var mesh = await SotwTestServer.StartAsync();
        await mesh.RegisterAsync("greeter-1", "greeter", 50051);
        await using var good = mesh.Open("good");
        await good.SubscribeAsync(XdsTypeUrls.ClusterLoadAssignment, "greeter");
        var before = await good.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
        await good.AckAsync(before, "greeter");
        await using var bad = mesh.Open("bad");

        await bad.SubscribeAsync("type.googleapis.com/no.such.Type", "x");

        var failure = await bad.FailureAsync();
        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Contains("no.such.Type", failure.Status.Detail, StringComparison.Ordinal);
        await mesh.RegisterAsync("greeter-2", "greeter", 50052);
        var after = await good.NextOfAsync(XdsTypeUrls.ClusterLoadAssignment);
        Assert.Equal("2", after.VersionInfo);
    }

    /// <summary>Subscribes LDS, RDS, CDS and EDS for greeter and ACKs each; returns the responses by type.</summary>
    private static async Task<Dictionary<string, DiscoveryResponse>> SubscribeWholeChainAsync(AdsTestStream stream)
    {
        var responses = new Dictionary<string, DiscoveryResponse>();
        foreach (var type in new[] { XdsTypeUrls.Listener, XdsTypeUrls.RouteConfiguration, XdsTypeUrls.Cluster, XdsTypeUrls.ClusterLoadAssignment })
        {
            await stream.SubscribeAsync(type, "greeter");
            var response = await stream.NextOfAsync(type);
            Assert.Single(response.Resources);
            await stream.AckAsync(response, "greeter");
            responses[type] = response;
        }

        return responses;
    }
}
