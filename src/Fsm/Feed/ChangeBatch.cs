using Mesh.Fsm.State;

namespace Mesh.Fsm.Feed;

/// <summary>
/// What a subscriber receives: every record published since its previous read, merged. <see cref="Restored"/> is true
/// when any of them was a restore (then <see cref="Keys"/> is not a complete list of what changed).
/// </summary>
public sealed record ChangeBatch(long Index, bool Restored, IReadOnlySet<string> Keys, int Records, StoreState State);
