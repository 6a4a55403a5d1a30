using MessagePack;

namespace Mesh.Fsm.Commands;

/// <summary>Catalog deregister: a service, a check, or (with neither) the node and everything on it.</summary>
[MessagePackObject]
public sealed record DeregisterCommand : Command
{
    [Key(0)]
    public string Node { get; init; } = string.Empty;

    [Key(1)]
    public string? ServiceId { get; init; }

    [Key(2)]
    public string? CheckId { get; init; }
}
