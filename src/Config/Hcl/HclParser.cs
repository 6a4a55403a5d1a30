using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Mesh.Config.Hcl;

/// <summary>
/// HCL1's grammar as Consul's files use it: a body is a sequence of <c>key = value</c> items and blocks
/// (<c>name { ... }</c>, <c>name "label" ... { ... }</c>), optionally separated by commas; values are strings,
/// heredocs, numbers, booleans, lists <c>[a, b,]</c> and object literals <c>{ k = v }</c>.
/// </summary>
internal sealed class HclParser
{
    private readonly HclLexer _lexer;
    private HclToken _current;

    private HclParser(string text)
    {
        _lexer = new HclLexer(text);
        _current = _lexer.Next();
    }

    public static HclBody ParseDocument(string text)
    {
        var parser = new HclParser(text);
        return parser.ParseBody(new HclPosition(1, 1), closing: null);
    }

    private HclToken Take()
    {
        var token = _current;
        _current = _lexer.Next();
        return token;
    }

    /// <summary>Items up to the closing brace (consumed) or, for the document, the end of the file.</summary>
    private HclBody ParseBody(HclPosition start, HclPosition? closing)
    {
        var items = new List<HclItem>();
        while (true)
        {
            var token = _current;
            if (token.Kind == HclTokenKind.End)
            {
                if (closing is { } open)
                {
                    throw new HclSyntaxException($"unexpected end of file: the object opened at {open.Line}:{open.Column} is not closed (missing '}}')", token.Position.Line, token.Position.Column);
                }

                return new HclBody(items, start);
            }

            if (token.Kind == HclTokenKind.RightBrace)
            {
                if (closing is null)
                {
                    throw new HclSyntaxException("unexpected '}' (no object is open)", token.Position.Line, token.Position.Column);
                }

                Take();
                return new HclBody(items, start);
            }

            if (token.Kind == HclTokenKind.Comma && items.Count > 0)
            {
                Take();
                continue;
            }

            items.Add(ParseItem());
        }
    }

    private HclItem ParseItem()
    {
        var key = Take();
        if (key.Kind is not (HclTokenKind.Identifier or HclTokenKind.String))
        {
            throw new HclSyntaxException($"expected a key (an identifier or a quoted string), found {key.Describe()}", key.Position.Line, key.Position.Column);
        }

        var labels = new List<HclToken>();
        while (_current.Kind is HclTokenKind.Identifier or HclTokenKind.String)
        {
            labels.Add(Take());
        }

        var next = Take();
        HclValue value;
        if (next.Kind == HclTokenKind.Equals && labels.Count == 0)
        {
            value = ParseValue(Take());
        }
        else if (next.Kind == HclTokenKind.LeftBrace)
        {
            value = ParseBody(next.Position, next.Position);
        }
        else
        {
            var expected = labels.Count == 0 ? "'=' or '{'" : "'{' after the block's labels";
            throw new HclSyntaxException($"expected {expected} after key \"{key.Text}\", found {next.Describe()}", next.Position.Line, next.Position.Column);
        }

        for (var i = labels.Count - 1; i >= 0; i--)
        {
            value = new HclBody([new HclItem(labels[i].Text, labels[i].Position, value, Labelled: i < labels.Count - 1)], labels[i].Position);
        }

        return new HclItem(key.Text, key.Position, value, Labelled: labels.Count > 0);
    }

    private HclValue ParseValue(HclToken token) => token.Kind switch
    {
        HclTokenKind.String => new HclScalar(JsonValue.Create(token.Text), token.Position),
        HclTokenKind.Number => new HclScalar(Number(token), token.Position),
        HclTokenKind.Identifier when token.Text is "true" or "false" => new HclScalar(JsonValue.Create(token.Text == "true"), token.Position),
        HclTokenKind.LeftBracket => ParseList(token.Position),
        HclTokenKind.LeftBrace => ParseBody(token.Position, token.Position),
        HclTokenKind.Identifier => throw new HclSyntaxException($"unknown value {token.Text} (strings must be quoted; booleans are true or false)", token.Position.Line, token.Position.Column),
        _ => throw new HclSyntaxException($"expected a value (string, number, bool, list or object), found {token.Describe()}", token.Position.Line, token.Position.Column),
    };

    private HclList ParseList(HclPosition open)
    {
        var items = new List<HclValue>();
        while (true)
        {
            var token = Take();
            if (token.Kind == HclTokenKind.RightBracket)
            {
                return new HclList(items, open);
            }

            if (token.Kind == HclTokenKind.End)
            {
                throw new HclSyntaxException($"unexpected end of file: the list opened at {open.Line}:{open.Column} is not closed (missing ']')", token.Position.Line, token.Position.Column);
            }

            items.Add(ParseValue(token));
            var after = Take();
            if (after.Kind == HclTokenKind.RightBracket)
            {
                return new HclList(items, open);
            }

            if (after.Kind != HclTokenKind.Comma)
            {
                throw new HclSyntaxException($"expected ',' or ']' in the list opened at {open.Line}:{open.Column}, found {after.Describe()}", after.Position.Line, after.Position.Column);
            }
        }
    }

    private static JsonValue Number(HclToken token)
    {
        var text = token.Text;
        var negative = text.StartsWith('-');
        var digits = text.TrimStart('-', '+');
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) && hex >= 0)
        {
            return JsonValue.Create(negative ? -hex : hex);
        }

        if (BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer >= long.MinValue && integer <= long.MaxValue
                ? JsonValue.Create((long)integer)
                : throw new HclSyntaxException($"number {text} is out of range", token.Position.Line, token.Position.Column);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        throw new HclSyntaxException($"invalid number {text}", token.Position.Line, token.Position.Column);
    }
}
