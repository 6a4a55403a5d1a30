using System.Globalization;
using System.Text;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Testing;
using Mesh.Xds;
using Mesh.XdsServer.Hosting;
using Mesh.XdsServer.Tests.Support;
using Xunit.Abstractions;

namespace Mesh.XdsServer.Tests.Integration;

/// <summary>
/// Issue 10, item 5: many delta streams that never read their responses share one HTTP/2 connection with a stream
/// that does. The stalled streams must only use up their own flow-control windows, never the connection's, so the
/// healthy stream keeps getting every update; streams past the connection's limit wait for a free slot.
/// </summary>
public sealed class SharedConnectionTests(ITestOutputHelper output)
{
    /// <summary>Enough upstreams that one CDS or LDS response is larger than a stream's 64 KiB window.</summary>
    private const int Upstreams = 150;

    private const int Toggles = 6;

    /// <summary>Requests each stalled stream tries to send: several times its 64 KiB window, so they back up.</summary>
    private const int StalledRequests = 40;

    [Fact]
    public async Task StalledStreams_OnOneConnection_DoNotStarveAHealthyStream_AndExcessStreamsWaitForASlot()
    {
        await using var mesh = await XdsMesh.StartAsync();
        await mesh.RegisterDbAsync(1);
        await RegisterWebWithManyUpstreamsAsync(mesh);

        // One HTTP/2 connection for every stream, as a client multiplexing its streams would hold.
        using var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false };
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{mesh.GrpcPort}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
        var ads = new AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel);

        var stalled = new List<AsyncDuplexStreamingCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse>>();
        try
        {
            for (var i = 0; i < XdsGrpcHost.MaxStreamsPerConnection - 1; i++)
            {
                var call = ads.DeltaAggregatedResources();
                stalled.Add(call);
                await call.RequestStream.WriteAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster, Node = DeltaAdsClient.Node(XdsMesh.WebProxy, XdsMesh.WebNode) });
                await call.RequestStream.WriteAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Listener });
            }

            // The stalled streams also keep sending (large subscription requests) while never reading: their handlers,
            // blocked writing to them, stop reading, so these requests fill the streams' receive windows on the
            // server. The writes block once a window is full; disposing the call ends them.
            var backlog = stalled.Select(call => SendBacklogAsync(call)).ToList();

            await TestCluster.WaitUntilAsync(() => mesh.Xds.Streams.Open == stalled.Count, TimeSpan.FromSeconds(30), "the stalled streams to be admitted");

            // The last slot of the connection: a stream that reads and ACKs as Envoy does.
            await using var healthy = DeltaAdsClient.OpenOn(channel, XdsMesh.WebProxy, XdsMesh.WebNode);
            await healthy.SyncAsync();
            Assert.True(healthy.HeldOf(XdsTypeUrls.Cluster).Count > Upstreams, $"the healthy stream holds {healthy.HeldOf(XdsTypeUrls.Cluster).Count} clusters");

            // Every configuration change reaches the healthy stream although the stalled ones hold unread responses.
            var pushesBefore = mesh.Xds.Streams.Metrics.Pushes;
            for (var toggle = 1; toggle <= Toggles; toggle++)
            {
                await mesh.WriteConfigAsync(ProxyDefaults(toggle % 2 == 1 ? "grpc" : "tcp"));
                var received = await healthy.ReceiveUntilAsync(XdsTypeUrls.Cluster);
                Assert.True(received[^1].Resources.Count > Upstreams, $"update {toggle} carried {received[^1].Resources.Count} clusters");
            }

            // The stalled streams really were stalled: if they read, each would have taken every update too.
            var pushes = mesh.Xds.Streams.Metrics.Pushes - pushesBefore;
            output.WriteLine($"{pushes} responses written during {Toggles} updates; a CDS response is {healthy.LastSize(XdsTypeUrls.Cluster)} bytes; "
                + $"stalled streams' request writes completed: {backlog.Count(task => task.IsCompleted)} of {backlog.Count}: "
                + string.Join("; ", backlog.Where(task => task.IsCompleted).Select(task => task.Result).Distinct()));
            Assert.True(pushes < stalled.Count * Toggles / 2, $"{pushes} responses were written during {Toggles} updates to {stalled.Count + 1} streams");

            // A stream past the connection's limit is not refused by the client: it waits for a slot.
            await using var extra = DeltaAdsClient.OpenOn(channel, XdsMesh.WebProxy, XdsMesh.WebNode);
            var sending = extra.SendAsync(new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster });
            await extra.ExpectNothingAsync(TimeSpan.FromSeconds(2));
            Assert.Equal(XdsGrpcHost.MaxStreamsPerConnection, mesh.Xds.Streams.Open);

            // Ending one stalled stream frees its slot (the server releases its handler) and the waiting stream is served.
            stalled[0].Dispose();
            stalled.RemoveAt(0);
            await sending;
            var first = await extra.ReceiveAsync();
            Assert.Equal(XdsTypeUrls.Cluster, first.TypeUrl);
            Assert.True(first.Resources.Count > Upstreams);

            // And the healthy stream is still served.
            await mesh.WriteConfigAsync(ProxyDefaults("http2"));
            var last = await healthy.ReceiveUntilAsync(XdsTypeUrls.Cluster);
            Assert.True(last[^1].Resources.Count > Upstreams);
        }
        finally
        {
            foreach (var call in stalled)
            {
                call.Dispose();
            }
        }
    }

    /// <summary>
    /// Clients open their streams before the server's SETTINGS arrive and assume 100 concurrent streams until then
    /// (.NET, grpc-go): every one of that many streams opened at once on a fresh connection gets its configuration.
    /// With a lower bound the streams above it were refused and never completed.
    /// </summary>
    [Fact]
    public async Task AHundredStreamsOpenedAtOnceOnAFreshConnection_AllGetTheirConfiguration()
    {
        await using var mesh = await XdsMesh.StartAsync();
        await mesh.RegisterDbAsync(1);
        await mesh.RegisterWebSidecarAsync();
        Assert.True(XdsGrpcHost.MaxStreamsPerConnection >= 100);

        using var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{mesh.GrpcPort}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
        var clients = Enumerable.Range(0, 100).Select(_ => DeltaAdsClient.OpenOn(channel, XdsMesh.WebProxy, XdsMesh.WebNode)).ToList();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Task.WhenAll(clients.Select(client => client.SyncAsync().WaitAsync(timeout.Token)));
            Assert.All(clients, client => Assert.NotEmpty(client.HeldOf(XdsTypeUrls.Cluster)));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<string> SendBacklogAsync(AsyncDuplexStreamingCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse> call)
    {
        var i = 0;
        try
        {
            for (; i < StalledRequests; i++)
            {
                var request = new DeltaDiscoveryRequest { TypeUrl = XdsTypeUrls.ClusterLoadAssignment };
                request.ResourceNamesSubscribe.AddRange(Enumerable.Range(0, 100).Select(n => $"backlog-{i}-{n}.".PadRight(80, 'x')));
                await call.RequestStream.WriteAsync(request);
            }
        }
        catch (Exception error) when (error is RpcException or InvalidOperationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The call was disposed while a write waited for window: what the test does at the end.
            return $"{i} then {error.GetType().Name}: {error.Message}";
        }

        return $"{i}";
    }

    private static string ProxyDefaults(string protocol)
        => $$$"""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"{{{protocol}}}"}}""";

    private static Task RegisterWebWithManyUpstreamsAsync(XdsMesh mesh)
    {
        var upstreams = new StringBuilder();
        for (var i = 0; i < Upstreams; i++)
        {
            upstreams.Append(i == 0 ? string.Empty : ",")
                .Append(CultureInfo.InvariantCulture, $$$"""{"DestinationName":"svc-{{{i}}}","LocalBindPort":{{{10000 + i}}}}""");
        }

        return mesh.RegisterAsync($$$"""
            {"Node":"{{{XdsMesh.WebNode}}}","Address":"127.0.0.10","Service":{"Kind":"connect-proxy","ID":"{{{XdsMesh.WebProxy}}}","Service":"web-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web","LocalServicePort":8080,"Upstreams":[{{{upstreams}}}]} } }
            """);
    }
}
