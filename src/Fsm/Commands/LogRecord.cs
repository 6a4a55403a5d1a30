using MessagePack;

namespace Mesh.Fsm.Commands;

/// <summary>
/// What one Raft log entry holds: a format version, the command, and the time the leader stamped on it
/// (the FSM never reads a clock, so anything time-dependent comes from here). The format is part of a command's
/// meaning at its index: a replay applies each entry with the rules of the format it was written in.
/// </summary>
[MessagePackObject]
public sealed record LogRecord
{
    /// <summary>
    /// 1: config entries are applied as given (their graph was checked only by the server that took the request).
    /// 2: the FSM also checks config-entry writes with its <see cref="IConfigEntryValidator"/>.
    /// </summary>
    public const int CurrentFormat = 2;

    /// <summary>The first format whose config-entry writes the FSM validates.</summary>
    public const int ValidatedConfigEntriesFormat = 2;

    [Key(0)]
    public int Format { get; init; } = CurrentFormat;

    [Key(1)]
    public required Command Command { get; init; }

    [Key(2)]
    public long StampedUnixMilliseconds { get; init; }
}
