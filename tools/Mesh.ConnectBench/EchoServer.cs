using System.Net;
using System.Net.Sockets;

namespace Mesh.ConnectBench;

/// <summary>The backend: echoes every byte, half-closes after the client does.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EchoServer()
    {
        _listener.Start(1024);
        _loop = Task.Run(LoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            socket.NoDelay = true;
            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    var buffer = new byte[64 * 1024];
                    try
                    {
                        int n;
                        while ((n = await socket.ReceiveAsync(buffer, _stop.Token)) > 0)
                        {
                            await socket.SendAsync(buffer.AsMemory(0, n), _stop.Token);
                        }

                        socket.Shutdown(SocketShutdown.Send);
                    }
                    catch (Exception)
                    {
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
    }
}
