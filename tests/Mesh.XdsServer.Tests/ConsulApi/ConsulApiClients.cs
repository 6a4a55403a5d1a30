using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Mesh.XdsServer.ConsulApi.Acl;
using Mesh.XdsServer.ConsulApi.ConnectCa;
using Mesh.XdsServer.ConsulApi.Dataplane;
using Mesh.XdsServer.ConsulApi.ServerDiscovery;

namespace Mesh.XdsServer.Tests.ConsulApi;

/// <summary>Clients of Consul's public gRPC services (generated from Mesh's protos) on one server's gRPC port, with an optional token.</summary>
internal sealed class ConsulApiClients : IDisposable
{
    private readonly GrpcChannel _channel;

    public ConsulApiClients(int grpcPort, string? token = null)
        : this(GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}"), token)
    {
    }

    public ConsulApiClients(GrpcChannel channel, string? token = null)
    {
        _channel = channel;
        var invoker = token is null ? channel.CreateCallInvoker() : channel.Intercept(headers =>
        {
            headers.Add("x-consul-token", token);
            return headers;
        });
        Dataplane = new DataplaneService.DataplaneServiceClient(invoker);
        Servers = new ServerDiscoveryService.ServerDiscoveryServiceClient(invoker);
        Ca = new ConnectCAService.ConnectCAServiceClient(invoker);
        Acl = new ACLService.ACLServiceClient(invoker);
    }

    public DataplaneService.DataplaneServiceClient Dataplane { get; }

    public ServerDiscoveryService.ServerDiscoveryServiceClient Servers { get; }

    public ConnectCAService.ConnectCAServiceClient Ca { get; }

    public ACLService.ACLServiceClient Acl { get; }

    public GrpcChannel Channel => _channel;

    public static CallOptions Bounded() => new(deadline: DateTime.UtcNow.AddSeconds(30));

    /// <summary>Reads a stream until a message satisfies <paramref name="done"/> (bounded, so a missing change fails the test).</summary>
    public static async Task<T> ReadUntilAsync<T>(IAsyncStreamReader<T> stream, Func<T, bool> done, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        T? last = default;
        try
        {
            while (await stream.MoveNext(cts.Token))
            {
                last = stream.Current;
                if (done(last))
                {
                    return last;
                }
            }
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.Cancelled && cts.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"the awaited message never came; last one: {last}");
    }

    public void Dispose() => _channel.Dispose();
}
