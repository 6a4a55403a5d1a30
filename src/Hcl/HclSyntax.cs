using System.Text.Json.Nodes;

namespace Mesh.Hcl;

/// <summary>Where a syntax element starts (1-based).</summary>
public readonly record struct HclPosition(int Line, int Column);

/// <summary>How a scalar was written: readers that accept only some forms (ACL rules refuse heredocs) can tell.</summary>
public enum HclScalarForm
{
    Quoted,
    Heredoc,
    Number,
    Bool,
}

/// <summary>A parsed HCL value before it becomes JSON: blocks keep their repetitions until the keys are grouped.</summary>
public abstract record HclValue(HclPosition Position);

/// <summary>A string, number or boolean, already as its JSON value.</summary>
public sealed record HclScalar(JsonValue Value, HclScalarForm Form, HclPosition Position) : HclValue(Position)
{
    /// <summary>The text of a quoted string or heredoc; null for numbers and booleans.</summary>
    public string? Text => Form is HclScalarForm.Quoted or HclScalarForm.Heredoc ? Value.GetValue<string>() : null;
}

public sealed record HclList(IReadOnlyList<HclValue> Items, HclPosition Position) : HclValue(Position);

/// <summary>An object body: a block's <c>{ ... }</c> or an object literal. Items keep document order and may repeat a key.</summary>
public sealed record HclBody(IReadOnlyList<HclItem> Items, HclPosition Position) : HclValue(Position);

/// <summary>
/// One <c>key = value</c> or block. A labelled block <c>service "web" { ... }</c> is the item <c>service</c> whose
/// value is a body holding the single item <c>web</c> (<see cref="Labelled"/> is true on the outer item).
/// </summary>
public sealed record HclItem(string Key, HclPosition KeyPosition, HclValue Value, bool Labelled);
