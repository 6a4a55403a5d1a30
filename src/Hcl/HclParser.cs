using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Mesh.Hcl;

/// <summary>
/// HCL1's grammar as Consul's files and ACL rules use it: a body is a sequence of <c>key = value</c> items and blocks
/// (<c>name { ... }</c>, <c>name "label" ... { ... }</c>), optionally separated by commas; values are strings,
/// heredocs, numbers, booleans, lists <c>[a, b,]</c> and object literals <c>{ k = v }</c>. With
/// <see cref="HclParseOptions.AcceptJson"/> the document may also be one JSON object. Nesting is bounded, so hostile
/// input cannot overflow the stack.
/// </summary>
public sealed class HclParser
{
    /// <summary>Deeper nesting than any Consul file or rule needs.</summary>
    public const int MaxDepth = 64;

    private readonly HclLexer _lexer;
    private HclToken _current;
    private int _depth;

    private HclParser(string text, HclParseOptions options)
    {
        _lexer = new HclLexer(text, options.AcceptJson);
        _current = _lexer.Next();
    }

    public static HclBody ParseDocument(string text) => ParseDocument(text, HclParseOptions.Hcl);

    public static HclBody ParseDocument(string text, HclParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(options);
        var parser = new HclParser(text, options);
        var start = new HclPosition(1, 1);
        if (!options.AcceptJson || parser._current.Kind != HclTokenKind.LeftBrace)
        {
            return parser.ParseBody(start, closing: null);
        }

        // JSON: one object is the whole document.
        var open = parser.Take();
        var document = parser.ParseBody(open.Position, open.Position);
        if (parser._current.Kind != HclTokenKind.End)
        {
            var found = parser._current;
            throw new HclSyntaxException(HclSyntaxError.TrailingContent, $"expected the end of the document after its JSON object, found {found.Describe()}", found.Position, found: found.Describe());
        }

        return document;
    }

    private HclToken Take()
    {
        var token = _current;
        _current = _lexer.Next();
        return token;
    }

    private void Enter(HclPosition at)
    {
        if (++_depth > MaxDepth)
        {
            throw new HclSyntaxException(HclSyntaxError.NestedTooDeeply, $"blocks and lists are nested too deeply (more than {MaxDepth} levels)", at);
        }
    }

    /// <summary>Items up to the closing brace (consumed) or, for the document, the end of the file.</summary>
    private HclBody ParseBody(HclPosition start, HclPosition? closing)
    {
        Enter(start);
        var items = new List<HclItem>();
        while (true)
        {
            var token = _current;
            if (token.Kind == HclTokenKind.End)
            {
                if (closing is { } open)
                {
                    throw new HclSyntaxException(HclSyntaxError.UnclosedBlock, $"unexpected end of file: the object opened at {open.Line}:{open.Column} is not closed (missing '}}')", token.Position, opened: open);
                }

                _depth--;
                return new HclBody(items, start);
            }

            if (token.Kind == HclTokenKind.RightBrace)
            {
                if (closing is null)
                {
                    throw new HclSyntaxException(HclSyntaxError.StrayClosingBrace, "unexpected '}' (no object is open)", token.Position, found: token.Describe());
                }

                Take();
                _depth--;
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
            throw new HclSyntaxException(HclSyntaxError.ExpectedKey, $"expected a key (an identifier or a quoted string), found {key.Describe()}", key.Position, found: key.Describe());
        }

        var labels = new List<HclToken>();
        while (_current.Kind is HclTokenKind.Identifier or HclTokenKind.String)
        {
            labels.Add(Take());
        }

        var next = Take();
        HclValue value;
        if (next.Kind is HclTokenKind.Equals or HclTokenKind.Colon && labels.Count == 0)
        {
            value = ParseValue(Take());
        }
        else if (next.Kind == HclTokenKind.LeftBrace)
        {
            value = ParseBody(next.Position, next.Position);
        }
        else
        {
            throw MissingBlock(key, labels, next);
        }

        for (var i = labels.Count - 1; i >= 0; i--)
        {
            value = new HclBody([new HclItem(labels[i].Text, labels[i].Position, value, Labelled: i < labels.Count - 1)], labels[i].Position);
        }

        return new HclItem(key.Text, key.Position, value, Labelled: labels.Count > 0);
    }

    /// <summary>
    /// A key and labels not followed by what they need. A bare word after quoted labels (<c>service "web" policy = ...</c>)
    /// is most likely the first key of a block whose '{' is missing, so the error points there.
    /// </summary>
    private static HclSyntaxException MissingBlock(HclToken key, List<HclToken> labels, HclToken next)
    {
        var word = labels.FindIndex(label => label.Kind == HclTokenKind.Identifier);
        var (found, valid) = word switch
        {
            0 => (labels[0], 0),
            > 0 => (labels[word], word),
            _ => (next, labels.Count),
        };
        if (valid == 0)
        {
            return new HclSyntaxException(HclSyntaxError.ExpectedAssignmentOrBlock, $"expected '=' or '{{' after key \"{key.Text}\", found {found.Describe()}", found.Position, found: found.Describe());
        }

        var before = string.Join(' ', labels.Take(valid).Select(label => $"\"{label.Text}\"").Prepend($"\"{key.Text}\""));
        return new HclSyntaxException(HclSyntaxError.ExpectedAssignmentOrBlock, $"expected '{{' after {before}, found {found.Describe()}", found.Position, found: found.Describe());
    }

    private HclValue ParseValue(HclToken token) => token.Kind switch
    {
        HclTokenKind.String => new HclScalar(JsonValue.Create(token.Text), HclScalarForm.Quoted, token.Position),
        HclTokenKind.Heredoc => new HclScalar(JsonValue.Create(token.Text), HclScalarForm.Heredoc, token.Position),
        HclTokenKind.Number => new HclScalar(Number(token), HclScalarForm.Number, token.Position),
        HclTokenKind.Identifier when token.Text is "true" or "false" => new HclScalar(JsonValue.Create(token.Text == "true"), HclScalarForm.Bool, token.Position),
        HclTokenKind.LeftBracket => ParseList(token.Position),
        HclTokenKind.LeftBrace => ParseBody(token.Position, token.Position),
        HclTokenKind.Identifier => throw new HclSyntaxException(HclSyntaxError.ExpectedValue, $"unknown value {token.Text} (expected a value: strings are quoted, booleans are true or false)", token.Position, found: token.Describe()),
        _ => throw new HclSyntaxException(HclSyntaxError.ExpectedValue, $"expected a value (string, number, bool, list or object), found {token.Describe()}", token.Position, found: token.Describe()),
    };

    private HclList ParseList(HclPosition open)
    {
        Enter(open);
        var items = new List<HclValue>();
        while (true)
        {
            var token = Take();
            if (token.Kind == HclTokenKind.RightBracket)
            {
                break;
            }

            if (token.Kind == HclTokenKind.End)
            {
                throw new HclSyntaxException(HclSyntaxError.UnclosedList, $"unexpected end of file: the list opened at {open.Line}:{open.Column} is not closed (missing ']')", token.Position, opened: open);
            }

            items.Add(ParseValue(token));
            var after = Take();
            if (after.Kind == HclTokenKind.RightBracket)
            {
                break;
            }

            if (after.Kind != HclTokenKind.Comma)
            {
                throw new HclSyntaxException(HclSyntaxError.UnclosedList, $"expected ',' or ']' in the list opened at {open.Line}:{open.Column}, found {after.Describe()}", after.Position, opened: open, found: after.Describe());
            }
        }

        _depth--;
        return new HclList(items, open);
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
                : throw new HclSyntaxException(HclSyntaxError.InvalidNumber, $"number {text} is out of range", token.Position);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }

        throw new HclSyntaxException(HclSyntaxError.InvalidNumber, $"invalid number {text}", token.Position);
    }
}
