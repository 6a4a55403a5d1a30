using Mesh.Fsm.Commands;
using Mesh.Fsm.State;

namespace Mesh.Fsm;

/// <summary>CA commands: whole-state replacement (compare-and-set on the CA's ModifyIndex) and serial reservation.</summary>
internal static class CaApply
{
    public static ApplyResult SetState(StoreTransaction tx, CaSetStateCommand command)
    {
        var current = tx.State.Ca?.ModifyIndex ?? 0;
        if (current != command.ExpectedModifyIndex)
        {
            return new ApplyResult(tx.Index, $"the CA changed at index {current}, after the update was prepared (based on {command.ExpectedModifyIndex})", ApplyErrorKind.CasConflict);
        }

        var state = command.State;
        if (state.TrustDomain.Length == 0 || state.ClusterId.Length == 0)
        {
            return new ApplyResult(tx.Index, "CA state needs a cluster ID and a trust domain", ApplyErrorKind.Invalid);
        }

        if (state.Roots.Count(r => r.Active) != 1)
        {
            return new ApplyResult(tx.Index, "CA state must have exactly one active root", ApplyErrorKind.Invalid);
        }

        // Serials only move forward, whatever the leader computed.
        var nextSerial = Math.Max(state.NextSerial, tx.State.Ca?.NextSerial ?? 1);
        tx.SetCa(state with { NextSerial = nextSerial });
        return new ApplyResult(tx.Index);
    }

    public static ApplyResult ReserveSerials(StoreTransaction tx, CaReserveSerialsCommand command)
    {
        if (tx.State.Ca is null)
        {
            return new ApplyResult(tx.Index, "the CA is not initialized yet", ApplyErrorKind.Invalid);
        }

        if (command.Count is < 1 or > 1_000_000)
        {
            return new ApplyResult(tx.Index, "serial reservations must be between 1 and 1,000,000", ApplyErrorKind.Invalid);
        }

        return new ApplyResult(tx.Index) { Value = tx.ReserveSerials(command.Count) };
    }
}
