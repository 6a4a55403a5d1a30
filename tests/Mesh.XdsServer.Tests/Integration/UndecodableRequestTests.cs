using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Integration;

/// <summary>
/// Requests whose bytes do not decode (a node ID holding a lone surrogate, encoded as the three bytes a careless
/// encoder writes for it) end the stream with INVALID_ARGUMENT, not UNKNOWN. Sent over a real gRPC connection with a
/// byte-level marshaller, because a conforming protobuf encoder cannot produce them.
/// </summary>
public sealed class UndecodableRequestTests
{
    // UTF-16 lone high surrogate U+D800 as "UTF-8" (CESU-style): invalid UTF-8.
    private static readonly byte[] LoneSurrogate = [0xED, 0xA0, 0x80];

    [Fact]
    public async Task Delta_NodeIdWithLoneSurrogate_InvalidArgument_AndAHealthyStreamIsUnaffected()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();
        await using var healthy = mesh.OpenWeb();
        await healthy.SyncAsync();

        // DeltaDiscoveryRequest: node = 1 (Node: id = 1).
        var error = await SendRawAsync(mesh.GrpcPort, "DeltaAggregatedResources", Request(nodeField: 1));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("UTF-8", error.Status.Detail, StringComparison.Ordinal);
        await healthy.ExpectNothingAsync();
        await mesh.RegisterDbAsync(2);
        Assert.NotEmpty(await healthy.ReceiveUntilAsync(Mesh.Xds.XdsTypeUrls.ClusterLoadAssignment));
    }

    [Fact]
    public async Task Sotw_NodeIdWithLoneSurrogate_InvalidArgument()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync();

        // DiscoveryRequest: node = 2 (Node: id = 1).
        var error = await SendRawAsync(mesh.GrpcPort, "StreamAggregatedResources", Request(nodeField: 2));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("UTF-8", error.Status.Detail, StringComparison.Ordinal);
    }

    private static byte[] Request(int nodeField)
    {
        byte[] id = [.. LoneSurrogate, .. "web-sidecar-proxy"u8];
        byte[] node = [0x0A, (byte)id.Length, .. id];
        return [(byte)((nodeField << 3) | 2), (byte)node.Length, .. node];
    }

    private static async Task<RpcException> SendRawAsync(int grpcPort, string methodName, byte[] request)
    {
        var bytes = new Marshaller<byte[]>(static b => b, static b => b);
        var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, AggregatedDiscoveryService.Descriptor.FullName, methodName, bytes, bytes);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        using var timeout = new CancellationTokenSource(DeltaAdsClient.DefaultTimeout);
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(method, null, new CallOptions(cancellationToken: timeout.Token));
        try
        {
            await call.RequestStream.WriteAsync(request);
        }
        catch (Exception error) when (error is RpcException or InvalidOperationException)
        {
            // The server may already have ended the call; its status is read below.
        }

        return await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
            }
        });
    }
}
