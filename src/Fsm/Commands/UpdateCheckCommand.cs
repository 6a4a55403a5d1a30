using MessagePack;

namespace Mesh.Fsm.Commands;

/// <summary>Sets the status and output of an existing check: TTL updates, and TTL expiry decided by the leader.</summary>
[MessagePackObject]
public sealed record UpdateCheckCommand : Command
{
    [Key(0)]
    public string Node { get; init; } = string.Empty;

    [Key(1)]
    public string CheckId { get; init; } = string.Empty;

    [Key(2)]
    public string Status { get; init; } = string.Empty;

    [Key(3)]
    public string Output { get; init; } = string.Empty;
}
