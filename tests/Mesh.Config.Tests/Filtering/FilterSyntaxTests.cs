using Mesh.Config.Filtering;

namespace Mesh.Config.Tests.Filtering;

/// <summary>Expressions go-bexpr refuses, and the messages (with its <c>line:column (offset)</c> prefix) that say why.</summary>
public sealed class FilterSyntaxTests
{
    private const string Prefix = "Failed to create boolean expression evaluator: ";

    [Theory]
    [InlineData("", "1:1 (0): no match found")]
    [InlineData("   ", "1:4 (3): no match found")]
    [InlineData("Service.Meta.version ==", "expected: a value")]
    [InlineData("Service.Meta.version = v1", "1:22 (21): no match found, expected: \"!=\", \"==\"")]
    [InlineData("Service.Meta.version", "no match found, expected: \"!=\", \"==\"")]
    [InlineData("(Service.Port == 1", "1:1 (0): rule grouping: Unmatched parentheses")]
    [InlineData("Service.Port == 1)", "1:18 (17): no match found, expected: \"and\", \"or\" or end of input")]
    [InlineData("Service.Meta.version == \"v1", "1:25 (24): rule string: Unterminated string literal")]
    [InlineData("Service.Meta.version == `v1", "Unterminated string literal")]
    [InlineData("Service.Meta.version == \"a\\qb\"", "rule string: invalid syntax")]
    [InlineData("Service.Meta[\"a\" == b", "rule index: Unclosed index expression")]
    [InlineData("Service.Meta[a] == b", "rule index: Invalid index")]
    [InlineData("\"x\" in", "rule match: Invalid selector")]
    [InlineData("\"x\" in 42", "rule match: Invalid selector")]
    [InlineData("\"x\" == y", "no match found, expected: \"in\" or \"not in\"")]
    [InlineData("Service.Port == 12ab", "1:17 (16): rule number: Invalid number literal")]
    [InlineData("Service.Port == 1.2.3", "rule number: Invalid number literal")]
    [InlineData("Service.Port == -", "rule number: Invalid number literal")]
    [InlineData("Service.Port == 1 and", "no match found")]
    [InlineData("Service.Port == 1 or", "no match found")]
    [InlineData("Service.Port == 1 Service.Port == 2", "1:19 (18): no match found, expected: \"and\", \"or\" or end of input")]
    [InlineData("Service.Port == 1 && Service.Port == 2", "expected: \"and\", \"or\" or end of input")]
    [InlineData("Service.Tags is full", "expected: \"empty\" or \"not empty\"")]
    [InlineData("Service.Tags not like x", "expected: \"contains\", \"in\" or \"matches\"")]
    [InlineData("Service.Service matches \"[a-\"", "Failed to compile regular expression \"[a-\"")]
    [InlineData("Service.Port > 8000", "no match found, expected: \"!=\", \"==\"")]
    [InlineData("Node.Node == node-1", "expected: \"and\", \"or\" or end of input")]
    [InlineData("\"/Service//Meta\" == x", "error validating json pointer")]
    [InlineData("()", "1:2 (1): no match found")]
    [InlineData("Service.Port ==\n  x y", "2:5 (20): no match found")]
    public void Parse_InvalidExpression_ThrowsWithPositionAndReason(string expression, string expected)
    {
        var error = Assert.Throws<FilterSyntaxException>(() => FilterExpression.Parse(expression));

        Assert.StartsWith(Prefix, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Service.Meta.version == v1")]
    [InlineData("Service.Meta.version == v1 and Service.Port == 8080 or not \"x\" in Service.Tags")]
    [InlineData("notes == x")]
    [InlineData("Service.orders == x and index == 1")]
    [InlineData("Service.Port == -1")]
    [InlineData("Service.Weight == 0.5")]
    [InlineData("Service.Weight == 0")]
    [InlineData("Service.Meta.x is not empty")]
    [InlineData("Service.Meta.x not in Service.Tags")]
    [InlineData("Service.Meta.x not matches \"a|b\"")]
    [InlineData("Node.Meta[\"a\"][\"b\"].c.0 == d")]
    public void Parse_ValidExpression_Succeeds(string expression)
    {
        var filter = FilterExpression.Parse(expression);

        Assert.Equal(expression, filter.Text);
    }
}
