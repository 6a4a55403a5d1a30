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
    private readonly IConfigEntryValidator _configEntries;
    private volatile StoreState _current = StoreState.Empty;

    /// <summary>An FSM that applies config entries without cross-entry rules (store-level tests).</summary>
    public StateMachine()
        : this(AcceptAllConfigEntries.Instance)
    {
    }

    /// <summary>An FSM whose config-entry writes (log format 2 and later) must pass <paramref name="configEntries"/>.</summary>
    public StateMachine(IConfigEntryValidator configEntries)
    {
        ArgumentNullException.ThrowIfNull(configEntries);
        _configEntries = configEntries;
        Changes = new ChangeFeed(Watches);
    }

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

        // Entries written before the FSM checked config entries keep the meaning they had at their index, so a replay
        // of an old log (or a server that restored an old snapshot and replays its tail) reaches the same state.
        var validator = record.Format >= LogRecord.ValidatedConfigEntriesFormat ? _configEntries : AcceptAllConfigEntries.Instance;
        if (record.Command is GroupCommand group)
        {
            return ApplyGroup(transaction, group, validator);
        }

        var result = ApplyCommand(transaction, record.Command, validator);

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

    private static ApplyResult ApplyCommand(StoreTransaction transaction, Command command, IConfigEntryValidator validator) => command switch
    {
        RegisterCommand register => CatalogApply.Register(transaction, register),
        DeregisterCommand deregister => CatalogApply.Deregister(transaction, deregister),
        UpdateCheckCommand update => CatalogApply.UpdateCheck(transaction, update),
        BatchCommand batch => ApplyBatch(transaction, batch, validator),
        UpsertConfigEntryCommand upsert => ConfigEntryApply.Upsert(transaction, upsert, validator),
        DeleteConfigEntryCommand delete => ConfigEntryApply.Delete(transaction, delete, validator),
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
        AutopilotSetConfigCommand autopilot => AutopilotApply.SetConfig(transaction, autopilot),
        _ => new ApplyResult(transaction.Index, $"unknown command {command.GetType().Name}", ApplyErrorKind.Invalid),
    };

    private static ApplyResult ApplyBatch(StoreTransaction transaction, BatchCommand batch, IConfigEntryValidator validator)
    {
        foreach (var command in batch.Commands)
        {
            var result = ApplyCommand(transaction, command, validator);
            if (!result.Succeeded)
            {
                return result;
            }
        }

        return new ApplyResult(transaction.Index);
    }

    /// <summary>
    /// Applies each command of a group on its own (a refused one leaves no trace, the others still apply), then
    /// publishes the entry's state once: a reader never sees some commands of this index and not the others.
    /// </summary>
    private ApplyResult ApplyGroup(StoreTransaction transaction, GroupCommand group, IConfigEntryValidator validator)
    {
        var results = new ApplyResult[group.Commands.Count];
        var applied = 0;
        for (var i = 0; i < results.Length; i++)
        {
            var command = group.Commands[i];
            if (command is RestoreStateCommand or GroupCommand)
            {
                // The leader never groups these (a restore replaces the whole state, a group is one entry's shape).
                results[i] = new ApplyResult(transaction.Index, $"{command.GetType().Name} cannot be part of a group", ApplyErrorKind.Invalid);
                continue;
            }

            var part = new StoreTransaction(transaction.State, transaction.Index);
            results[i] = ApplyCommand(part, command, validator);
            if (results[i].Succeeded)
            {
                transaction.Absorb(part);
                applied++;
            }
        }

        if (applied > 0)
        {
            Publish(transaction.Commit(), ChangeKind.Write, transaction.Touched);
        }
        else
        {
            Publish(_current with { AppliedIndex = transaction.Index }, ChangeKind.NoOp, []);
        }

        return new ApplyResult(transaction.Index) { Grouped = results };
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
