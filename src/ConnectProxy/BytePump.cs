using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;

namespace Mesh.ConnectProxy;

/// <summary>How a two-way copy ended.</summary>
internal enum PumpEnd
{
    /// <summary>Both sides closed their sending half (a clean close).</summary>
    Closed,

    /// <summary>No byte either way for the idle timeout.</summary>
    Idle,

    /// <summary>A read or write failed (reset, abort) or the proxy is stopping.</summary>
    Aborted,
}

/// <summary>
/// Copies bytes both ways between two streams with pooled buffers. End of stream on one side is passed on as a
/// half-close (TCP FIN, or TLS close_notify) of the other, and the copy the other way continues until it ends too, as
/// a TCP proxy must for request/response protocols that shut down writing first. An error either way aborts both.
/// </summary>
internal static class BytePump
{
    private const int BufferSize = 64 * 1024;

    public static async Task<PumpEnd> RunAsync(Stream accepted, Stream dialed, Action<long> inbound, Action<long> outbound, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var activity = new Activity();
        var forward = CopyAsync(accepted, dialed, inbound, activity, abort);
        var backward = CopyAsync(dialed, accepted, outbound, activity, abort);
        var idle = false;
        var both = Task.WhenAll(forward, backward);
        var check = TimeSpan.FromMilliseconds(Math.Clamp(idleTimeout.TotalMilliseconds / 4, 10, 5000));
        while (!both.IsCompleted)
        {
            await Task.WhenAny(both, Task.Delay(check, abort.Token)).ConfigureAwait(false);
            if (!both.IsCompleted && !abort.IsCancellationRequested && Environment.TickCount64 - Volatile.Read(ref activity.Last) > idleTimeout.TotalMilliseconds)
            {
                idle = true;
                await abort.CancelAsync().ConfigureAwait(false);
            }

            if (abort.IsCancellationRequested)
            {
                break;
            }
        }

        var clean = await forward.ConfigureAwait(false) & await backward.ConfigureAwait(false);
        return idle ? PumpEnd.Idle : clean ? PumpEnd.Closed : PumpEnd.Aborted;
    }

    private static async Task<bool> CopyAsync(Stream source, Stream destination, Action<long> count, Activity activity, CancellationTokenSource abort)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(buffer, abort.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    await HalfCloseAsync(destination).ConfigureAwait(false);
                    return true;
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), abort.Token).ConfigureAwait(false);
                count(read);
                Volatile.Write(ref activity.Last, Environment.TickCount64);
            }
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // One direction failed: the connection is broken, stop the other direction too.
            await abort.CancelAsync().ConfigureAwait(false);
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask HalfCloseAsync(Stream stream)
    {
        switch (stream)
        {
            case SslStream ssl:
                await ssl.ShutdownAsync().ConfigureAwait(false);
                break;
            case NetworkStream network:
                network.Socket.Shutdown(SocketShutdown.Send);
                break;
            default:
                await stream.FlushAsync().ConfigureAwait(false);
                break;
        }
    }

    private sealed class Activity
    {
        public long Last = Environment.TickCount64;
    }
}
