using System.Collections.Concurrent;
using System.Net;

namespace Mesh.Raft.Transport;

/// <summary>
/// Calls another server's RPC over its server port: one request and one response per frame pair, on pooled
/// connections (one call at a time per connection).
/// </summary>
public sealed class RpcClient(ServerPortTls tls) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<Stream>> _idle = new(StringComparer.Ordinal);
    private readonly ServerPortDialer _dialer = new(tls);

    public RpcClient()
        : this(ServerPortTls.Plaintext)
    {
    }

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

    private Stream? TakeIdle(string key)
        => _idle.TryGetValue(key, out var bag) && bag.TryTake(out var stream) ? stream : null;

    private Task<Stream> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
        => _dialer.ConnectAsync(endPoint, ServerPortProtocol.Rpc, cancellationToken);

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
