namespace Mesh.Hcl;

/// <summary>What kind of syntax error an <see cref="HclSyntaxException"/> reports, for readers that word their own messages.</summary>
public enum HclSyntaxError
{
    Other,
    IllegalCharacter,
    UnterminatedString,
    UnterminatedComment,
    UnterminatedHeredoc,
    InvalidEscape,
    InvalidNumber,
    ExpectedKey,
    ExpectedAssignmentOrBlock,
    ExpectedValue,
    UnclosedBlock,
    UnclosedList,
    StrayClosingBrace,
    TrailingContent,
    NestedTooDeeply,
    RepeatedKey,
}
