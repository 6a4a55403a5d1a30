using MessagePack;

namespace Mesh.Fsm.Commands;

/// <summary>
/// What one Raft log entry holds: a format version, the command, and the time the leader stamped on it
/// (the FSM never reads a clock, so anything time-dependent comes from here).
/// </summary>
[MessagePackObject]
public sealed record LogRecord
{
    public const int CurrentFormat = 1;

    [Key(0)]
    public int Format { get; init; } = CurrentFormat;

    [Key(1)]
    public required Command Command { get; init; }

    [Key(2)]
    public long StampedUnixMilliseconds { get; init; }
}
