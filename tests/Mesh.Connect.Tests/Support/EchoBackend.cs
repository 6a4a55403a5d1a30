using System.Net;
using System.Net.Sockets;

namespace Mesh.Connect.Tests.Support;

/// <summary>A plain TCP backend on loopback that echoes every byte and half-closes when the client does.</summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    public EchoBackend()
    {
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

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

            Interlocked.Increment(ref _connections);
            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    var buffer = new byte[65536];
                    try
                    {
                        while (true)
                        {
                            var n = await socket.ReceiveAsync(buffer, _stop.Token);
                            if (n == 0)
                            {
                                socket.Shutdown(SocketShutdown.Send);
                                return;
                            }

                            await socket.SendAsync(buffer.AsMemory(0, n), _stop.Token);
                        }
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
