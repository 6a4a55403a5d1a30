namespace Mesh.Acl.Rules;

/// <summary>
/// Parses the HCL subset Consul policies use (attributes <c>key = value</c>, blocks <c>key "label"... { body }</c>,
/// strings, lists, nested objects) and JSON (a document starting with '{'), both into <see cref="SyntaxObject"/>.
/// Separators between entries (newline, ',') are optional, as in HCL 1.
/// </summary>
internal sealed class RulesSyntaxParser
{
    /// <summary>Deeper nesting than any rule needs; bounds recursion on hostile input.</summary>
    private const int MaxDepth = 16;

    private readonly RulesLexer _lexer;
    private RulesToken _current;

    private RulesSyntaxParser(string text)
    {
        _lexer = new RulesLexer(text);
        _current = _lexer.Next();
    }

    public static SyntaxObject Parse(string text)
    {
        var parser = new RulesSyntaxParser(text);
        SyntaxObject document;
        if (parser._current.Kind == TokenKind.LeftBrace)
        {
            // JSON: one object is the whole document.
            document = parser.ParseObject(0);
        }
        else
        {
            document = parser.ParseBody(new SourcePosition(1, 1), TokenKind.End, 0);
        }

        parser.Expect(TokenKind.End, "after the rules");
        return document;
    }

    private RulesToken Advance()
    {
        var token = _current;
        _current = _lexer.Next();
        return token;
    }

    private RulesToken Expect(TokenKind kind, string context)
    {
        if (_current.Kind != kind)
        {
            throw Error($"expected {Describe(kind)} {context} but found {_current.Describe()}", _current.Position);
        }

        return Advance();
    }

    private static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.End => "the end of the rules",
        TokenKind.RightBrace => "'}'",
        TokenKind.RightBracket => "']'",
        TokenKind.LeftBrace => "'{'",
        _ => kind.ToString(),
    };

    private static RulesSyntaxException Error(string problem, SourcePosition position) => new(problem, position.Line, position.Column);

    /// <summary>Entries until <paramref name="end"/> (a '}' or the end of input).</summary>
    private SyntaxObject ParseBody(SourcePosition start, TokenKind end, int depth)
    {
        var entries = new List<SyntaxEntry>();
        while (_current.Kind != end && _current.Kind != TokenKind.End)
        {
            if (_current.Kind is not (TokenKind.Identifier or TokenKind.String))
            {
                var expected = end == TokenKind.End ? "a resource name such as service or node" : "a key or '}'";
                throw Error($"expected {expected} but found {_current.Describe()}", _current.Position);
            }

            var key = Advance();
            entries.Add(new SyntaxEntry(key.Text, key.Position, ParseEntryValue(key, depth)));
            if (_current.Kind == TokenKind.Comma)
            {
                Advance();
            }
        }

        return new SyntaxObject(entries, start);
    }

    /// <summary>After a key: <c>= value</c>, <c>: value</c>, or block labels and a body.</summary>
    private SyntaxValue ParseEntryValue(RulesToken key, int depth)
    {
        if (_current.Kind is TokenKind.Equals or TokenKind.Colon)
        {
            Advance();
            return ParseValue(depth);
        }

        if (_current.Kind == TokenKind.String)
        {
            // A labeled block: key "label" { ... } nests as key = { "label" = { ... } }.
            var label = Advance();
            if (_current.Kind is not (TokenKind.String or TokenKind.LeftBrace))
            {
                throw Error($"expected '{{' after \"{key.Text}\" \"{label.Text}\" but found {_current.Describe()}", _current.Position);
            }

            var inner = ParseEntryValue(label, depth + 1);
            return new SyntaxObject([new SyntaxEntry(label.Text, label.Position, inner)], label.Position);
        }

        if (_current.Kind == TokenKind.LeftBrace)
        {
            return ParseObject(depth + 1);
        }

        throw Error($"expected '=' or a block after \"{key.Text}\" but found {_current.Describe()}", _current.Position);
    }

    private SyntaxValue ParseValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("rules are nested too deeply", _current.Position);
        }

        var token = _current;
        switch (token.Kind)
        {
            case TokenKind.String:
                Advance();
                return new SyntaxString(token.Text, token.Position);
            case TokenKind.Number:
                Advance();
                return new SyntaxLiteral(token.Text, token.Position);
            case TokenKind.Identifier when token.Text is "true" or "false" or "null":
                Advance();
                return new SyntaxLiteral(token.Text, token.Position);
            case TokenKind.LeftBrace:
                return ParseObject(depth + 1);
            case TokenKind.LeftBracket:
                return ParseList(depth + 1);
            default:
                throw Error($"expected a value (a quoted string, an object or a list) but found {token.Describe()}", token.Position);
        }
    }

    private SyntaxObject ParseObject(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("rules are nested too deeply", _current.Position);
        }

        var open = Expect(TokenKind.LeftBrace, "to open a block");
        var body = ParseBody(open.Position, TokenKind.RightBrace, depth);
        if (_current.Kind != TokenKind.RightBrace)
        {
            throw Error($"block opened at line {open.Position.Line}, column {open.Position.Column} is not closed (missing '}}')", _current.Position);
        }

        Advance();
        return body;
    }

    private SyntaxList ParseList(int depth)
    {
        var open = Advance();
        var items = new List<SyntaxValue>();
        while (_current.Kind != TokenKind.RightBracket)
        {
            if (_current.Kind == TokenKind.End)
            {
                throw Error($"list opened at line {open.Position.Line}, column {open.Position.Column} is not closed (missing ']')", _current.Position);
            }

            items.Add(ParseValue(depth));
            if (_current.Kind == TokenKind.Comma)
            {
                Advance();
            }
            else if (_current.Kind != TokenKind.RightBracket)
            {
                throw Error($"expected ',' or ']' in a list but found {_current.Describe()}", _current.Position);
            }
        }

        Advance();
        return new SyntaxList(items, open.Position);
    }
}
