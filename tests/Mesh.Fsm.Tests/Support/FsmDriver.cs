using Mesh.Fsm.Commands;
using Mesh.Fsm.State;

namespace Mesh.Fsm.Tests.Support;

/// <summary>
/// Applies commands to a real <see cref="StateMachine"/> at consecutive Raft indexes and remembers the watch keys each
/// apply touched (as reported by the change feed, <see cref="StateMachine.Changes"/>).
/// </summary>
public sealed class FsmDriver
{
    private readonly Mesh.Fsm.Feed.ChangeSubscription _changes;

    public FsmDriver() => _changes = Fsm.Changes.Subscribe();

    public StateMachine Fsm { get; } = new();

    /// <summary>The change-feed batch of the last apply (the driver reads the feed after every apply).</summary>
    public Mesh.Fsm.Feed.ChangeBatch? LastChange
    {
        get
        {
            // Also picks up records from calls made on the FSM directly (Skip, Restore).
            if (_changes.TryRead(out var batch))
            {
                _lastChange = batch;
            }

            return _lastChange;
        }
    }

    private Mesh.Fsm.Feed.ChangeBatch? _lastChange;

    public StoreState State => Fsm.Current;

    /// <summary>The index the last command was applied at.</summary>
    public long Index { get; private set; }

    public IReadOnlySet<string> LastTouched => LastChange?.Keys ?? new HashSet<string>(StringComparer.Ordinal);

    public ApplyResult Apply(Command command)
    {
        Index++;
        var result = Fsm.Apply(Index, Catalog.Record(command, 1_700_000_000_000 + Index));
        Assert.True(_changes.TryRead(out var batch), "the FSM published no change record");
        Assert.Equal(Index, batch.Index);
        _lastChange = batch;
        return result;
    }

    /// <summary>Applies a command that must succeed.</summary>
    public ApplyResult Ok(Command command)
    {
        var result = Apply(command);
        Assert.True(result.Succeeded, $"command at index {Index} was refused: {result.Error}");
        Assert.Equal(Index, result.Index);
        return result;
    }
}
