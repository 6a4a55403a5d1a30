using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Mesh.ConnectProxy;

/// <summary>
/// One TCP listener of the proxy: accepts, enforces the connection limit (excess connections are closed at once,
/// logged and counted) and runs each connection's handler. Stopping closes the listening socket; connections already
/// open run to their end (as Consul's proxy leaves established connections alone) unless the proxy itself stops.
/// </summary>
internal sealed class ProxyListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Func<Socket, CancellationToken, Task> _handle;
    private readonly ProxyMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly CancellationToken _proxyStopping;
    private readonly Task _loop;
    private int _open;

    public ProxyListener(string name, IPEndPoint endPoint, int maxConnections, Func<Socket, CancellationToken, Task> handle, ProxyMetrics metrics, ILogger logger, CancellationToken proxyStopping)
    {
        Name = name;
        MaxConnections = maxConnections;
        _handle = handle;
        _metrics = metrics;
        _logger = logger;
        _proxyStopping = proxyStopping;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(endPoint);
            _socket.Listen(512);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        _loop = Task.Run(AcceptLoopAsync, CancellationToken.None);
    }

    public string Name { get; }

    public int MaxConnections { get; set; }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public int OpenConnections => Volatile.Read(ref _open);

    private async Task AcceptLoopAsync()
    {
        while (!_stopAccepting.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _socket.AcceptAsync(_stopAccepting.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            connection.NoDelay = true;
            _metrics.Connection(Name);
            if (Interlocked.Increment(ref _open) > MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                _metrics.Refused(Name, "connection_limit");
                ProxyLog.Refused(_logger, Name, connection.RemoteEndPoint?.ToString() ?? "?", $"connection limit {MaxConnections} reached");
                connection.Dispose();
                continue;
            }

            _metrics.Active(Name, 1);
            _ = Task.Run(async () =>
            {
                try
                {
                    await _handle(connection, _proxyStopping).ConfigureAwait(false);
                }
                finally
                {
                    connection.Dispose();
                    Interlocked.Decrement(ref _open);
                    _metrics.Active(Name, -1);
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopAccepting.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _loop.ConfigureAwait(false);
        _stopAccepting.Dispose();
    }
}
