using MessagePack;

namespace Mesh.Fsm.Commands;

/// <summary>Several commands applied atomically at one index: if any is refused, none takes effect.</summary>
[MessagePackObject]
public sealed record BatchCommand : Command
{
    [Key(0)]
    public IReadOnlyList<Command> Commands { get; init; } = [];
}
