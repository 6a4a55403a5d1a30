using MessagePack;
using Mesh.Fsm.Model;

namespace Mesh.Fsm.Commands;

/// <summary>
/// Replaces the autopilot configuration (<c>PUT /v1/operator/autopilot/configuration</c>). With <see cref="Cas"/> it
/// applies only while the stored configuration's ModifyIndex is <see cref="ExpectedModifyIndex"/> (0: none stored).
/// </summary>
[MessagePackObject]
public sealed record AutopilotSetConfigCommand : Command
{
    [Key(0)]
    public required AutopilotConfig Config { get; init; }

    [Key(1)]
    public bool Cas { get; init; }

    [Key(2)]
    public long ExpectedModifyIndex { get; init; }
}
