using MessagePack;
using Mesh.Fsm.Model;

namespace Mesh.Fsm.Commands;

/// <summary>Creates or replaces a config entry; with <see cref="CasIndex"/> only if its ModifyIndex still matches (0 = must not exist).</summary>
[MessagePackObject]
public sealed record UpsertConfigEntryCommand : Command
{
    [Key(0)]
    public required ConfigEntry Entry { get; init; }

    [Key(1)]
    public long? CasIndex { get; init; }
}

/// <summary>Deletes a config entry; with <see cref="CasIndex"/> only if its ModifyIndex still matches.</summary>
[MessagePackObject]
public sealed record DeleteConfigEntryCommand : Command
{
    [Key(0)]
    public string Kind { get; init; } = string.Empty;

    [Key(1)]
    public string Name { get; init; } = string.Empty;

    [Key(2)]
    public long? CasIndex { get; init; }
}
