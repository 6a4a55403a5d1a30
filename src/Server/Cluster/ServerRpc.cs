using System.Net;
using Mesh.Fsm.Commands;
using Mesh.Raft.Transport;
using MessagePack;

namespace Mesh.Server.Cluster;

/// <summary>Typed calls to another server's RPC.</summary>
public sealed class ServerRpc(RpcClient client) : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The server (Raft + RPC) port when an address names none (Consul's 8300).</summary>
    public const int DefaultPort = 8300;

    public async Task<TResponse> CallAsync<TResponse>(EndPoint server, RpcRequest request, TimeSpan timeout, CancellationToken cancellationToken)
        where TResponse : RpcResponse
    {
        var bytes = await client.CallAsync(server, MessagePackSerializer.Serialize(request, LogCodec.Options, cancellationToken), timeout, cancellationToken).ConfigureAwait(false);
        var response = MessagePackSerializer.Deserialize<RpcResponse>(bytes, LogCodec.Options, cancellationToken);
        return response as TResponse ?? throw new InvalidDataException($"Server {server} answered {request.GetType().Name} with {response.GetType().Name}");
    }

    public static EndPoint ParseEndPoint(string address, int defaultPort)
    {
        if (IPEndPoint.TryParse(address, out var ip))
        {
            return ip.Port == 0 ? new IPEndPoint(ip.Address, defaultPort) : ip;
        }

        var colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address.AsSpan(colon + 1), out var port)
            ? new DnsEndPoint(address[..colon], port)
            : new DnsEndPoint(address, defaultPort);
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
