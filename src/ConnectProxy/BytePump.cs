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

/// <summary>What a two-way copy did: how it ended and the bytes copied each way.</summary>
internal readonly record struct PumpResult(PumpEnd End, long Inbound, long Outbound);

/// <summary>
/// Copies bytes both ways between two streams with pooled buffers (one per direction, 64 KiB, rented for the
/// connection's life; no allocation per read). When the destination is TLS over a <see cref="GatheringSocketStream"/>,
/// the records of one write (up to 4 of 16 KiB for a full buffer) leave in one send. Nothing waits to fill a buffer:
/// each read is written at once, so a small ping stays one small record and is not delayed. End of stream on one side is passed on as a
/// half-close (TCP FIN, or TLS close_notify) of the other, and the copy the other way continues until it ends too, as
/// a TCP proxy must for request/response protocols that shut down writing first. An error either way aborts both.
/// </summary>
internal static class BytePump
{
    private const int BufferSize = 64 * 1024;

    /// <summary>The largest plaintext of one TLS record.</summary>
    private const int MaxRecordPayload = 16 * 1024;

    /// <summary>One side of the copy: the stream and, when it is TLS over one, the transport that gathers its records.</summary>
    public readonly record struct End(Stream Stream, GatheringSocketStream? Transport = null);

    public static async Task<PumpResult> RunAsync(End accepted, End dialed, ProxyMetrics.ByteCounter inbound, ProxyMetrics.ByteCounter outbound, TimeSpan idleTimeout, CancellationToken cancellationToken)
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

        var (forwardClean, inboundBytes) = await forward.ConfigureAwait(false);
        var (backwardClean, outboundBytes) = await backward.ConfigureAwait(false);
        return new PumpResult(idle ? PumpEnd.Idle : forwardClean && backwardClean ? PumpEnd.Closed : PumpEnd.Aborted, inboundBytes, outboundBytes);
    }

    private static async Task<(bool Clean, long Bytes)> CopyAsync(End source, End destination, ProxyMetrics.ByteCounter counter, Activity activity, CancellationTokenSource abort)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                var read = await source.Stream.ReadAsync(buffer, abort.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    await HalfCloseAsync(destination.Stream).ConfigureAwait(false);
                    return (true, total);
                }

                // More TLS records already received: decrypt them into the same buffer and pass them on in one write
                // (one send) instead of one per record. Stops as soon as nothing more has arrived, so nothing waits.
                while (source.Transport is { BufferedCount: > 0 } && buffer.Length - read >= MaxRecordPayload)
                {
                    var more = await source.Stream.ReadAsync(buffer.AsMemory(read), abort.Token).ConfigureAwait(false);
                    if (more == 0)
                    {
                        break;
                    }

                    read += more;
                }

                if (destination.Transport is { } transport)
                {
                    transport.BeginGather();
                    await destination.Stream.WriteAsync(buffer.AsMemory(0, read), abort.Token).ConfigureAwait(false);
                    await transport.EndGatherAsync(abort.Token).ConfigureAwait(false);
                }
                else
                {
                    await destination.Stream.WriteAsync(buffer.AsMemory(0, read), abort.Token).ConfigureAwait(false);
                }

                total += read;
                counter.Add(read);
                Volatile.Write(ref activity.Last, Environment.TickCount64);
            }
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // One direction failed: the connection is broken, stop the other direction too.
            await abort.CancelAsync().ConfigureAwait(false);
            return (false, total);
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
