using Mesh.Fsm.Commands;
using Mesh.Fsm.State;

namespace Mesh.Fsm.Tests.Support;

/// <summary>
/// Applies commands to a real <see cref="StateMachine"/> at consecutive Raft indexes and remembers the watch keys each
/// apply touched (as reported by <see cref="StateMachine.Applied"/>).
/// </summary>
public sealed class FsmDriver
{
    public FsmDriver()
    {
        Fsm.Applied += (_, touched) => LastTouched = new HashSet<string>(touched, StringComparer.Ordinal);
    }

    public StateMachine Fsm { get; } = new();

    public StoreState State => Fsm.Current;

    /// <summary>The index the last command was applied at.</summary>
    public long Index { get; private set; }

    public IReadOnlySet<string> LastTouched { get; private set; } = new HashSet<string>(StringComparer.Ordinal);

    public ApplyResult Apply(Command command)
    {
        Index++;
        return Fsm.Apply(Index, Catalog.Record(command, 1_700_000_000_000 + Index));
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
