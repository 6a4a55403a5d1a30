using System.Buffers;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.State;
using Mesh.Raft;

namespace Mesh.Server;

/// <summary>Connects the Raft log to the FSM: decodes each committed entry and applies it; snapshots are the store codec's bytes.</summary>
public sealed class FsmReplica(StateMachine fsm, Metrics.ServerInstruments? instruments = null) : IReplicatedStateMachine
{
    public StateMachine Fsm => fsm;

    public object? Apply(long index, ReadOnlySequence<byte> payload)
    {
        // An entry this build cannot decode stops the apply loop instead of being skipped: skipping would fork the state.
        var record = LogCodec.Decode(payload);
        return instruments is null ? fsm.Apply(index, record) : instruments.MeasureFsmApply(() => fsm.Apply(index, record));
    }

    public void Skip(long index) => fsm.Skip(index);

    public Func<ReadOnlyMemory<byte>> CaptureSnapshot()
    {
        var state = fsm.Current;
        return () => StoreSnapshotCodec.Serialize(state);
    }

    public void RestoreSnapshot(ReadOnlyMemory<byte> snapshot) => fsm.Restore(StoreSnapshotCodec.Read(snapshot));
}
