namespace Mesh.Acl.Rules;

/// <summary>Where a syntax element starts (1-based).</summary>
internal readonly record struct SourcePosition(int Line, int Column);

/// <summary>
/// The document model both rules forms parse into. An HCL block <c>service "web" { ... }</c> becomes the entry
/// <c>service = { "web" = { ... } }</c>, exactly the JSON form's shape, so one reader interprets both.
/// Entries keep document order and may repeat a key (HCL repeats blocks).
/// </summary>
internal abstract record SyntaxValue(SourcePosition Position);

internal sealed record SyntaxString(string Value, SourcePosition Position) : SyntaxValue(Position);

/// <summary>Numbers and booleans: not valid in any rule, kept so the error can say what was found.</summary>
internal sealed record SyntaxLiteral(string Text, SourcePosition Position) : SyntaxValue(Position);

internal sealed record SyntaxObject(IReadOnlyList<SyntaxEntry> Entries, SourcePosition Position) : SyntaxValue(Position);

internal sealed record SyntaxList(IReadOnlyList<SyntaxValue> Items, SourcePosition Position) : SyntaxValue(Position);

internal sealed record SyntaxEntry(string Key, SourcePosition KeyPosition, SyntaxValue Value);
