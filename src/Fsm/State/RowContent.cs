using MessagePack;
using Mesh.Fsm.Commands;

namespace Mesh.Fsm.State;

/// <summary>Content comparison of rows by their canonical encoding, so that re-registering an unchanged row does not move its index.</summary>
public static class RowContent
{
    public static bool Same<T>(T left, T right)
        => MessagePackSerializer.Serialize(left, LogCodec.Options).AsSpan()
            .SequenceEqual(MessagePackSerializer.Serialize(right, LogCodec.Options));
}
