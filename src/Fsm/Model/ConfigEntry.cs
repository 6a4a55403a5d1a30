using MessagePack;

namespace Mesh.Fsm.Model;

/// <summary>
/// A config entry (<c>service-defaults</c>, <c>proxy-defaults</c>, <c>mesh</c>, <c>service-intentions</c>, ...). The FSM
/// stores the validated, canonical JSON body; kind-specific validation and typed views live outside the FSM, so new
/// kinds slot in without a log format change.
/// </summary>
[MessagePackObject]
public sealed record ConfigEntry
{
    [Key(0)]
    public string Kind { get; init; } = string.Empty;

    [Key(1)]
    public string Name { get; init; } = string.Empty;

    /// <summary>The entry's fields (without Kind, Name and the indexes), canonical JSON.</summary>
    [Key(2)]
    public JsonBlob Body { get; init; } = JsonBlob.EmptyObject;

    [Key(3)]
    public long CreateIndex { get; init; }

    [Key(4)]
    public long ModifyIndex { get; init; }
}
