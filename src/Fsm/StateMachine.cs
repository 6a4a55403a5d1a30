using Mesh.Fsm.Commands;
using Mesh.Fsm.Feed;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Fsm.Watch;

namespace Mesh.Fsm;

/// <summary>
/// The deterministic finite state machine: applies decoded log records to the store, one at a time, in log order.
/// No clocks, randomness or I/O happen here; whatever depends on time arrives stamped in the record.
/// </summary>
public sealed class StateMachine
{
    private volatile StoreState _current = StoreState.Empty;

    public StateMachine() => Changes = new ChangeFeed(Watches);

    public WatchHub Watches { get; } = new();

    /// <summary>One record per applied index (write, no-op or restore), published after the state is visible.</summary>
    public ChangeFeed Changes { get; }

    /// <summary>The latest published state; safe to read from any thread.</summary>
    public StoreState Current => _current;

    public ApplyResult Apply(long index, LogRecord record)
    {
        if (record.Command is RestoreStateCommand restore)
        {
            return ApplyRestore(index, restore);
        }

        var transaction = new StoreTransaction(_current, index);
        var result = ApplyCommand(transaction, record.Command);

        // A refused command changes nothing but the applied index.
        if (result.Succeeded)
        {
            Publish(transaction.Commit(), ChangeKind.Write, transaction.Touched);
        }
        else
        {
            Publish(_current with { AppliedIndex = index }, ChangeKind.NoOp, []);
        }

        return result;
    }

    private static ApplyResult ApplyCommand(StoreTransaction transaction, Command command) => command switch
    {
        RegisterCommand register => CatalogApply.Register(transaction, register),
        DeregisterCommand deregister => CatalogApply.Deregister(transaction, deregister),
        UpdateCheckCommand update => CatalogApply.UpdateCheck(transaction, update),
        BatchCommand batch => ApplyBatch(transaction, batch),
        UpsertConfigEntryCommand upsert => ConfigEntryApply.Upsert(transaction, upsert),
        DeleteConfigEntryCommand delete => ConfigEntryApply.Delete(transaction, delete),
        CaSetStateCommand ca => CaApply.SetState(transaction, ca),
        CaReserveSerialsCommand serials => CaApply.ReserveSerials(transaction, serials),
        AclTokenSetCommand token => AclApply.SetToken(transaction, token),
        AclTokenDeleteCommand token => AclApply.DeleteToken(transaction, token),
        AclTokensExpireCommand expire => AclApply.ExpireTokens(transaction, expire),
        AclPolicySetCommand policy => AclApply.SetPolicy(transaction, policy),
        AclPolicyDeleteCommand policy => AclApply.DeletePolicy(transaction, policy),
        AclRoleSetCommand role => AclApply.SetRole(transaction, role),
        AclRoleDeleteCommand role => AclApply.DeleteRole(transaction, role),
        AclBootstrapCommand bootstrap => AclApply.Bootstrap(transaction, bootstrap),
        _ => new ApplyResult(transaction.Index, $"unknown command {command.GetType().Name}", ApplyErrorKind.Invalid),
    };

    private static ApplyResult ApplyBatch(StoreTransaction transaction, BatchCommand batch)
    {
        foreach (var command in batch.Commands)
        {
            var result = ApplyCommand(transaction, command);
            if (!result.Succeeded)
            {
                return result;
            }
        }

        return new ApplyResult(transaction.Index);
    }

    /// <summary>
    /// Installs an operator snapshot. Rows keep their indexes, but every watch index moves to this entry's index so
    /// blocking queries see the index advance and re-read (no client has to notice an index going backwards).
    /// </summary>
    private ApplyResult ApplyRestore(long index, RestoreStateCommand restore)
    {
        StoreState restored;
        try
        {
            restored = StoreSnapshotCodec.Read(restore.State);
        }
        catch (Exception error) when (error is InvalidDataException or MessagePack.MessagePackSerializationException)
        {
            Publish(_current with { AppliedIndex = index }, ChangeKind.NoOp, []);
            return new ApplyResult(index, $"snapshot state is not readable: {error.Message}", ApplyErrorKind.Invalid);
        }

        var watchIndexes = restored.WatchIndexes.ToBuilder();
        foreach (var key in restored.WatchIndexes.Keys.Concat(_current.WatchIndexes.Keys).ToList())
        {
            watchIndexes[key] = index;
        }

        foreach (var key in new[] { WatchKeys.Nodes, WatchKeys.Services, WatchKeys.Checks })
        {
            watchIndexes[key] = index;
        }

        restored = GrowOnlyCounters.CarryInto(restored, _current);
        Restore(restored with { AppliedIndex = index, WatchIndexes = watchIndexes.ToImmutable() });
        return new ApplyResult(index);
    }

    /// <summary>Records an index that carried no command (Raft no-ops and membership entries).</summary>
    public void Skip(long index) => Publish(_current with { AppliedIndex = index }, ChangeKind.NoOp, []);

    /// <summary>Replaces the whole state (snapshot install or operator restore) and wakes every blocking query.</summary>
    public void Restore(StoreState state) => Publish(state, ChangeKind.Restore, []);

    private void Publish(StoreState next, ChangeKind kind, IReadOnlyCollection<string> touched)
    {
        _current = next;
        Changes.Publish(new ChangeRecord(next.AppliedIndex, kind, touched, next));
    }
}
