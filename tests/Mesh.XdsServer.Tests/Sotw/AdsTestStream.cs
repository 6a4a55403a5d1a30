using System.Threading.Channels;
using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Grpc.Core;
using Grpc.Net.Client;

namespace Mesh.XdsServer.Tests.Sotw;

/// <summary>
/// A state-of-the-world ADS stream over a real gRPC channel, as a test drives it: send requests, await responses
/// with a timeout (a background reader pumps them, since cancelling a read would cancel the call), ACK or NACK.
/// </summary>
internal sealed class AdsTestStream : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<DiscoveryRequest, DiscoveryResponse> _call;
    private readonly Channel<DiscoveryResponse> _responses = Channel.CreateUnbounded<DiscoveryResponse>();
    private readonly Task _reader;

    private AdsTestStream(GrpcChannel channel, Node node, string? token)
    {
        _channel = channel;
        Node = node;
        var headers = token is null ? null : new Grpc.Core.Metadata { { "x-consul-token", token } };
        _call = new Envoy.Service.Discovery.V3.AggregatedDiscoveryService.AggregatedDiscoveryServiceClient(channel).StreamAggregatedResources(headers);
        _reader = Task.Run(ReadAsync);
    }

    public Node Node { get; }

    /// <summary>How the stream ended, once it has (null while it is open).</summary>
    public RpcException? Failure { get; private set; }

    public static AdsTestStream Open(int grpcPort, string nodeId, string? service = null, string? token = null)
    {
        var node = new Node { Id = nodeId, UserAgentName = "mesh-sotw-test" };
        if (service is not null)
        {
            node.Metadata = new Google.Protobuf.WellKnownTypes.Struct();
            node.Metadata.Fields["service"] = Google.Protobuf.WellKnownTypes.Value.ForString(service);
        }

        return new AdsTestStream(GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}"), node, token);
    }

    public Task SendAsync(DiscoveryRequest request) => _call.RequestStream.WriteAsync(request);

    /// <summary>The first request of a type (with the node, as gRPC clients send it).</summary>
    public Task SubscribeAsync(string typeUrl, params string[] names)
        => SendAsync(new DiscoveryRequest { Node = Node, TypeUrl = typeUrl, ResourceNames = { names } });

    public Task AckAsync(DiscoveryResponse response, params string[] names)
        => SendAsync(new DiscoveryRequest
        {
            TypeUrl = response.TypeUrl,
            VersionInfo = response.VersionInfo,
            ResponseNonce = response.Nonce,
            ResourceNames = { names },
        });

    public Task NackAsync(DiscoveryResponse response, string acceptedVersion, string error, params string[] names)
        => SendAsync(new DiscoveryRequest
        {
            TypeUrl = response.TypeUrl,
            VersionInfo = acceptedVersion,
            ResponseNonce = response.Nonce,
            ResourceNames = { names },
            ErrorDetail = new Google.Rpc.Status { Code = (int)StatusCode.InvalidArgument, Message = error },
        });

    public async Task<DiscoveryResponse> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _responses.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no DiscoveryResponse arrived in time");
        }
        catch (ChannelClosedException)
        {
            throw Failure ?? new RpcException(new Status(StatusCode.Unknown, "stream ended without a status"));
        }
    }

    /// <summary>Waits for the next response of one type, failing on any other type in between.</summary>
    public async Task<DiscoveryResponse> NextOfAsync(string typeUrl, TimeSpan? timeout = null)
    {
        var response = await NextAsync(timeout);
        Assert.Equal(typeUrl, response.TypeUrl);
        return response;
    }

    /// <summary>Asserts that nothing arrives for a while (a short, bounded wait).</summary>
    public async Task ExpectSilenceAsync(TimeSpan window)
    {
        using var cancel = new CancellationTokenSource(window);
        try
        {
            var unexpected = await _responses.Reader.ReadAsync(cancel.Token);
            Assert.Fail($"unexpected {unexpected.TypeUrl} version {unexpected.VersionInfo} with {unexpected.Resources.Count} resources");
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Waits for the server to end the stream and returns its status.</summary>
    public async Task<RpcException> FailureAsync()
    {
        await _reader.WaitAsync(TimeSpan.FromSeconds(10));
        return Failure ?? throw new InvalidOperationException("the stream ended cleanly");
    }

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        await _reader.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _channel.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var response in _call.ResponseStream.ReadAllAsync())
            {
                await _responses.Writer.WriteAsync(response);
            }
        }
        catch (RpcException error)
        {
            Failure = error;
        }
        finally
        {
            _responses.Writer.TryComplete();
        }
    }
}
