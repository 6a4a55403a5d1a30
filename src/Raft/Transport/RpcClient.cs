using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Raft.Transport;

/// <summary>
/// Calls another server's RPC over its server port: one request and one response per frame pair, on pooled
/// connections (one call at a time per connection).
/// </summary>
public sealed class RpcClient : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<NetworkStream>> _idle = new(StringComparer.Ordinal);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public async Task<byte[]> CallAsync(EndPoint endPoint, ReadOnlyMemory<byte> request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var key = endPoint.ToString() ?? string.Empty;
        var stream = TakeIdle(key);
        if (stream is not null)
        {
            try
            {
                await RpcFraming.WriteAsync(stream, request, deadline.Token).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The pooled connection went stale (the peer restarted or closed it): the request was not
                // delivered, so it is sent again once on a fresh connection.
                await stream.DisposeAsync().ConfigureAwait(false);
                stream = null;
            }
        }

        if (stream is null)
        {
            stream = await ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
            try
            {
                await RpcFraming.WriteAsync(stream, request, deadline.Token).ConfigureAwait(false);
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        try
        {
            var response = await RpcFraming.ReadAsync(stream, deadline.Token).ConfigureAwait(false)
                ?? throw new IOException($"Server {endPoint} closed the RPC connection");
            _idle.GetOrAdd(key, static _ => []).Add(stream);
            return response;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private NetworkStream? TakeIdle(string key)
        => _idle.TryGetValue(key, out var bag) && bag.TryTake(out var stream) ? stream : null;

    private async Task<NetworkStream> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var connectDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectDeadline.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(endPoint, connectDeadline.Token).ConfigureAwait(false);
            await socket.SendAsync(new[] { ServerPortProtocol.Rpc }, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RpcConnectException($"Cannot connect to server {endPoint}: {error.Message}", error);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var bag in _idle.Values)
        {
            while (bag.TryTake(out var stream))
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>The request was never sent: the server could not be reached. Safe to retry elsewhere.</summary>
public sealed class RpcConnectException : IOException
{
    public RpcConnectException()
    {
    }

    public RpcConnectException(string message)
        : base(message)
    {
    }

    public RpcConnectException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
