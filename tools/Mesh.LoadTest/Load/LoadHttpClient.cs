using System.Net;
using System.Net.Sockets;

namespace Mesh.LoadTest.Load;

/// <summary>
/// An <see cref="HttpClient"/> over <see cref="SocketsHttpHandler"/> for load: HTTP/1.1, no proxy, as many connections
/// as asked for (a parked blocking query holds its connection), and a count of the connections it opened.
/// </summary>
public sealed class LoadHttpClient : IDisposable
{
    private long _connections;

    public LoadHttpClient(Uri baseAddress, int maxConnections, TimeSpan requestTimeout, Action<SocketsHttpHandler>? configure = null)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectCallback = ConnectAsync,
        };
        configure?.Invoke(handler);
        Http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = requestTimeout, DefaultRequestVersion = HttpVersion.Version11 };
    }

    public HttpClient Http { get; }

    /// <summary>TCP connections opened so far.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _connections);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => Http.Dispose();
}
