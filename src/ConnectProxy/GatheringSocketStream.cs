using System.Buffers;
using System.Net.Sockets;

namespace Mesh.ConnectProxy;

/// <summary>
/// The TCP stream a proxy's <see cref="System.Net.Security.SslStream"/> runs over, tuned for bulk copying:
/// <list type="bullet">
/// <item>reads ahead: one receive takes up to <see cref="ReadAheadSize"/> bytes (SslStream asks for one TLS record,
/// ~16 KiB, at a time), so a burst of records costs one system call instead of one per record;</item>
/// <item>gathers writes: between <see cref="BeginGather"/> and <see cref="EndGatherAsync"/> the records SslStream
/// writes for one <c>WriteAsync</c> (up to 16 KiB each) are collected and sent with one system call, as one loopback
/// segment instead of several. Outside a gather (handshake, close_notify) writes go straight to the socket.</item>
/// </list>
/// Buffers are rented from the shared pool only while they hold bytes, so an idle connection holds none. One reader
/// and one writer may run at once (as SslStream does); a write from the read side during a gather is gathered too.
/// </summary>
internal sealed class GatheringSocketStream : Stream
{
    /// <summary>Bytes asked of one receive when reading ahead.</summary>
    public const int ReadAheadSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly bool _ownsSocket;
    private readonly Lock _writeLock = new();
    private byte[]? _read;
    private int _readStart;
    private int _readEnd;
    private byte[]? _gathered;
    private int _gatheredLength;
    private bool _gathering;
    private int _disposed;

    public GatheringSocketStream(Socket socket, bool ownsSocket)
    {
        _socket = socket;
        _ownsSocket = ownsSocket;
    }

    public Socket Socket => _socket;

    /// <summary>Bytes received and not yet read (already here: the next read of them does not wait for the network).</summary>
    public int BufferedCount => _readEnd - _readStart;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_readEnd > _readStart)
        {
            return buffer.IsEmpty ? 0 : TakeReadAhead(buffer.Span);
        }

        if (buffer.IsEmpty || buffer.Length >= ReadAheadSize)
        {
            // A zero-byte read waits for data without holding a buffer; a large read needs no read-ahead.
            return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }

        var ahead = ArrayPool<byte>.Shared.Rent(ReadAheadSize);
        int received;
        try
        {
            received = await _socket.ReceiveAsync(ahead.AsMemory(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(ahead);
            throw;
        }

        if (received <= buffer.Length)
        {
            ahead.AsSpan(0, received).CopyTo(buffer.Span);
            ArrayPool<byte>.Shared.Return(ahead);
            return received;
        }

        _read = ahead;
        _readStart = 0;
        _readEnd = received;
        return TakeReadAhead(buffer.Span);
    }

    private int TakeReadAhead(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _readEnd - _readStart);
        _read.AsSpan(_readStart, count).CopyTo(destination);
        _readStart += count;
        if (_readStart == _readEnd)
        {
            ArrayPool<byte>.Shared.Return(_read!);
            _read = null;
            _readStart = _readEnd = 0;
        }

        return count;
    }

    /// <summary>Collect what is written from now on until <see cref="EndGatherAsync"/>.</summary>
    public void BeginGather()
    {
        lock (_writeLock)
        {
            _gathering = true;
        }
    }

    /// <summary>
    /// Sends what was gathered since <see cref="BeginGather"/> in one go and stops gathering. Writes that arrive while
    /// it is being sent are gathered and sent after it, so records leave in the order they were encrypted.
    /// </summary>
    public async ValueTask EndGatherAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            byte[] gathered;
            int length;
            lock (_writeLock)
            {
                if (_gathered is null)
                {
                    _gathering = false;
                    return;
                }

                gathered = _gathered;
                length = _gatheredLength;
                _gathered = null;
                _gatheredLength = 0;
            }

            try
            {
                await SendAllAsync(gathered.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                lock (_writeLock)
                {
                    _gathering = false;
                }

                throw;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(gathered);
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_writeLock)
        {
            if (_gathering)
            {
                if (_gathered is null)
                {
                    _gathered = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length, 2 * ReadAheadSize));
                }
                else if (_gatheredLength + buffer.Length > _gathered.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_gatheredLength + buffer.Length, 2 * _gathered.Length));
                    _gathered.AsSpan(0, _gatheredLength).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(_gathered);
                    _gathered = larger;
                }

                buffer.Span.CopyTo(_gathered.AsSpan(_gatheredLength));
                _gatheredLength += buffer.Length;
                return ValueTask.CompletedTask;
            }
        }

        return SendAllAsync(buffer, cancellationToken);
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var sent = await _socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            buffer = buffer[sent..];
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (_ownsSocket)
            {
                _socket.Dispose();
            }

            lock (_writeLock)
            {
                if (_gathered is not null)
                {
                    ArrayPool<byte>.Shared.Return(_gathered);
                    _gathered = null;
                }
            }

            // The read-ahead buffer may be in use by a read still running on another thread; leave it to the GC.
            _read = null;
        }

        base.Dispose(disposing);
    }
}
