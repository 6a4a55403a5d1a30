using System.Text.Json.Nodes;

namespace Mesh.Config.Hcl;

/// <summary>Where a syntax element starts (1-based).</summary>
internal readonly record struct HclPosition(int Line, int Column);

/// <summary>A parsed HCL value before it becomes JSON: blocks keep their repetitions until the keys are grouped.</summary>
internal abstract record HclValue(HclPosition Position);

/// <summary>A string, number or boolean, already as its JSON value.</summary>
internal sealed record HclScalar(JsonValue Value, HclPosition Position) : HclValue(Position);

internal sealed record HclList(IReadOnlyList<HclValue> Items, HclPosition Position) : HclValue(Position);

/// <summary>An object body: a block's <c>{ ... }</c> or an object literal. Items keep document order and may repeat a key.</summary>
internal sealed record HclBody(IReadOnlyList<HclItem> Items, HclPosition Position) : HclValue(Position);

/// <summary>
/// One <c>key = value</c> or block. A labelled block <c>service "web" { ... }</c> is the item <c>service</c> whose
/// value is a body holding the single item <c>web</c> (<see cref="Labelled"/> is true on the outer item).
/// </summary>
internal sealed record HclItem(string Key, HclPosition KeyPosition, HclValue Value, bool Labelled);
