using Mesh.Hcl;

namespace Mesh.Acl.Rules;

/// <summary>
/// Rules text to the shared HCL syntax tree (HCL or a JSON object, as Consul accepts), with the parser's errors worded
/// for a policy author: a <see cref="RulesSyntaxException"/> at the same line and column.
/// </summary>
internal static class RulesSyntax
{
    public static HclBody Parse(string text)
    {
        try
        {
            return HclParser.ParseDocument(text, HclParseOptions.HclOrJson);
        }
        catch (HclSyntaxException error)
        {
            throw new RulesSyntaxException(Problem(error), error.Line, error.Column);
        }
    }

    private static string Problem(HclSyntaxException error) => error switch
    {
        { Error: HclSyntaxError.UnclosedBlock, Opened: { } open } => $"block opened at line {open.Line}, column {open.Column} is not closed (missing '}}')",
        { Error: HclSyntaxError.UnclosedList, Opened: { } open, Found: null } => $"list opened at line {open.Line}, column {open.Column} is not closed (missing ']')",
        { Error: HclSyntaxError.UnclosedList, Found: { } found } => $"expected ',' or ']' in a list but found {found}",
        { Error: HclSyntaxError.StrayClosingBrace, Found: { } found } => $"expected a resource name such as service or node but found {found}",
        { Error: HclSyntaxError.IllegalCharacter, Found: { } found } => $"unexpected character {found}",
        { Error: HclSyntaxError.TrailingContent, Found: { } found } => $"expected the end of the rules after the rules but found {found}",
        { Error: HclSyntaxError.NestedTooDeeply } => "rules are nested too deeply",
        _ => error.Detail,
    };
}
