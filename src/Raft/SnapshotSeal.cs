using System.Security.Cryptography;

namespace Mesh.Raft;

/// <summary>
/// A SHA-256 trailer on Raft snapshot files: a flipped bit anywhere is caught on restore, where the state codec alone
/// might decode damaged bytes into different content.
/// </summary>
internal static class SnapshotSeal
{
    private const int HashLength = 32;

    public static byte[] Seal(ReadOnlySpan<byte> state)
    {
        var sealedBytes = new byte[state.Length + HashLength];
        state.CopyTo(sealedBytes);
        SHA256.HashData(state, sealedBytes.AsSpan(state.Length));
        return sealedBytes;
    }

    public static ReadOnlyMemory<byte> Open(byte[] sealedBytes)
    {
        if (sealedBytes.Length < HashLength)
        {
            throw new InvalidDataException("the snapshot is shorter than its checksum");
        }

        var state = sealedBytes.AsMemory(0, sealedBytes.Length - HashLength);
        var expected = sealedBytes.AsSpan(sealedBytes.Length - HashLength);
        return SHA256.HashData(state.Span).AsSpan().SequenceEqual(expected)
            ? state
            : throw new InvalidDataException("the snapshot does not match its SHA-256 checksum");
    }
}
