using MessagePack;

namespace Mesh.Fsm.Commands;

/// <summary>
/// Replaces the whole store with an operator snapshot (<c>PUT /v1/snapshot</c>). Replicated like any command, so every
/// server restores the same state at the same index.
/// </summary>
[MessagePackObject]
public sealed record RestoreStateCommand : Command
{
    /// <summary>The store encoding written by <c>StoreSnapshotCodec</c>.</summary>
    [Key(0)]
    public byte[] State { get; init; } = [];
}
