namespace Mesh.Fsm.State;

/// <summary>
/// Counters that must never go backwards, whatever state replaces the store. An operator restore brings back an older
/// store, but numbers handed out since (certificate serials) stay handed out: the restored store keeps the maximum of
/// its own and the current value. Raft indexes (watch indexes, Create/ModifyIndex) need no carrying: the restore is
/// applied at a new, higher index and stamps that.
/// </summary>
public static class GrowOnlyCounters
{
    public static StoreState CarryInto(StoreState restored, StoreState current)
    {
        // A restored store without a CA gets a new CA (new keys) from the leader, so its serials cannot collide with
        // those of the CA that is being replaced; only a restored CA needs the counter carried.
        if (restored.Ca is { } ca && current.Ca is { } live && live.NextSerial > ca.NextSerial)
        {
            restored = restored with { Ca = ca with { NextSerial = live.NextSerial } };
        }

        return restored;
    }
}
