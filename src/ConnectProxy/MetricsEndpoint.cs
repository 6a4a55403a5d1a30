using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.ConnectProxy;

/// <summary>
/// A minimal HTTP/1.x endpoint that answers every GET with the metrics in Prometheus text and closes. Enough for a
/// scraper and curl; no dependency on a web host for a proxy that otherwise speaks only TCP.
/// </summary>
internal sealed class MetricsEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly ProxyMetrics _metrics;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MetricsEndpoint(IPEndPoint endPoint, ProxyMetrics metrics)
    {
        _metrics = metrics;
        _listener = new TcpListener(endPoint);
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(socket));
        }
    }

    private async Task AnswerAsync(Socket socket)
    {
        using (socket)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                var buffer = new byte[8192];
                var read = 0;
                while (read < buffer.Length)
                {
                    var n = await socket.ReceiveAsync(buffer.AsMemory(read), timeout.Token).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    read += n;
                    if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
                    {
                        break;
                    }
                }

                var body = Encoding.UTF8.GetBytes(_metrics.Render());
                var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await socket.SendAsync(head, timeout.Token).ConfigureAwait(false);
                await socket.SendAsync(body, timeout.Token).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
