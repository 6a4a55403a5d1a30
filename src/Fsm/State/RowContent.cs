using MessagePack;
using Mesh.Fsm.Commands;

namespace Mesh.Fsm.State;

/// <summary>Content comparison of rows by their canonical encoding, so that re-registering an unchanged row does not move its index.</summary>
public static class RowContent
{
    /// <summary>Encodes both rows into pooled buffers (this runs for every registration, changed or not).</summary>
    public static bool Same<T>(T left, T right)
    {
        using var leftBytes = new PooledByteWriter();
        using var rightBytes = new PooledByteWriter();
        MessagePackSerializer.Serialize(leftBytes, left, LogCodec.Options);
        MessagePackSerializer.Serialize(rightBytes, right, LogCodec.Options);
        return leftBytes.WrittenSpan.SequenceEqual(rightBytes.WrittenSpan);
    }
}
