using MessagePack;
using Mesh.Fsm.Model;

namespace Mesh.Fsm.Commands;

/// <summary>
/// Replaces the CA state: initialization on first leadership, a configuration change, a root rotation or pruning.
/// The leader computes the new state (keys, certificates, times) and the FSM stores it; <see cref="ExpectedModifyIndex"/>
/// makes it a compare-and-set so two leaders' rotations cannot interleave.
/// </summary>
[MessagePackObject]
public sealed record CaSetStateCommand : Command
{
    [Key(0)]
    public required CaState State { get; init; }

    /// <summary>The CA state's ModifyIndex the leader based this on (0 when initializing).</summary>
    [Key(1)]
    public long ExpectedModifyIndex { get; init; }
}

/// <summary>Reserves a block of certificate serial numbers; the result's <c>Value</c> is the first one.</summary>
[MessagePackObject]
public sealed record CaReserveSerialsCommand : Command
{
    [Key(0)]
    public int Count { get; init; }
}
