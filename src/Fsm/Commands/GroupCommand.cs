using MessagePack;

namespace Mesh.Fsm.Commands;

/// <summary>
/// Several independent commands written as one log entry by the leader (group commit): each is applied on its own, in
/// order, with its own result, and a refused one changes nothing while the others still apply. All of them share the
/// entry's index, and the store publishes the entry's state once, after the last of them. Unlike
/// <see cref="BatchCommand"/> (all or nothing) it is never built by a client: the leader's proposal coalescer writes it.
/// </summary>
[MessagePackObject]
public sealed record GroupCommand : Command
{
    [Key(0)]
    public IReadOnlyList<Command> Commands { get; init; } = [];
}
