using System.Buffers.Binary;

namespace Mesh.Raft.Transport;

/// <summary>Length-prefixed frames (4-byte big-endian length, then the payload) for server RPC.</summary>
public static class RpcFraming
{
    /// <summary>The largest frame accepted: operator snapshots travel as one frame.</summary>
    public const int MaxFrame = 256 * 1024 * 1024;

    public static async ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, payload.Length);
        await stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one frame; null at a clean end of stream.</summary>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[4];
        var read = await stream.ReadAtLeastAsync(header, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < 4)
        {
            throw new IOException("RPC connection closed inside a frame header");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is < 0 or > MaxFrame)
        {
            throw new InvalidDataException($"RPC frame of {length} bytes is out of range");
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return payload;
    }
}
