using System.Buffers;

namespace Mesh.Raft;

/// <summary>
/// What the Raft layer drives. Calls arrive one at a time, in log order, on the log's apply loop.
/// The Raft layer knows nothing of what the payloads mean.
/// </summary>
public interface IReplicatedStateMachine
{
    /// <summary>Applies a committed entry. <paramref name="context"/> is the object the proposer passed, on the node that proposed it only.</summary>
    object? Apply(long index, ReadOnlySequence<byte> payload);

    /// <summary>Records an index that carried no payload (leader no-ops, membership changes).</summary>
    void Skip(long index);

    /// <summary>
    /// Captures the state as of the last applied entry and returns a function that serializes that captured state. The
    /// capture runs on the apply loop and must be cheap (an immutable reference); the function runs later, on another
    /// thread, while later entries are applied.
    /// </summary>
    Func<ReadOnlyMemory<byte>> CaptureSnapshot();

    /// <summary>Replaces the whole state from a snapshot made by <see cref="CaptureSnapshot"/>.</summary>
    void RestoreSnapshot(ReadOnlyMemory<byte> snapshot);
}
