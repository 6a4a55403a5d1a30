using Mesh.Fsm.State;

namespace Mesh.Fsm.Feed;

/// <summary>
/// One applied log index, published by the FSM after the new state is visible: its index, what kind of change it was,
/// the watch keys a write touched (empty for no-ops and restores) and the state it produced.
/// </summary>
public sealed record ChangeRecord(long Index, ChangeKind Kind, IReadOnlyCollection<string> Keys, StoreState State);
