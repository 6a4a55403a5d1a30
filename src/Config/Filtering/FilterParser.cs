using System.Globalization;
using System.Text.RegularExpressions;

namespace Mesh.Config.Filtering;

/// <summary>
/// A recursive-descent parser for go-bexpr's grammar (grammar.peg):
/// <code>
/// Or    := And ("or" Or)?
/// And   := Not ("and" And)?
/// Not   := "not" Not | "(" Or ")" | Match
/// Match := Selector ("==" | "!=" | "contains" | "not contains" | "matches" | "not matches") Value
///        | Selector ("is empty" | "is not empty")
///        | Value ("in" | "not in") Selector
/// Selector := Identifier ("." Identifier | "." Digits | "[" String "]")* | "\"/json/pointer\""
/// Value := Selector (as its dotted text) | Number | "string" | `raw string`
/// </code>
/// Errors carry go-bexpr's position prefix (<c>line:column (offset)</c>) and, where the grammar names one, its message.
/// </summary>
internal sealed class FilterParser
{
    private const string ExpectedOperator = "no match found, expected: \"!=\", \"==\", \"contains\", \"in\", \"is\", \"matches\" or \"not\"";

    private readonly string _text;
    private int _pos;

    private FilterParser(string text) => _text = text;

    public static FilterNode Parse(string text)
    {
        var parser = new FilterParser(text);
        parser.SkipWhitespace();
        var node = parser.ParseOr();
        parser.SkipWhitespace();
        if (parser._pos < text.Length)
        {
            throw parser.Error("no match found, expected: \"and\", \"or\" or end of input");
        }

        return node;
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Current => _text[_pos];

    private FilterNode ParseOr()
    {
        var left = ParseAnd();
        return TryKeywordAhead("or") ? new OrNode(left, ParseOr()) : left;
    }

    private FilterNode ParseAnd()
    {
        var left = ParseNot();
        return TryKeywordAhead("and") ? new AndNode(left, ParseAnd()) : left;
    }

    private FilterNode ParseNot()
    {
        if (TryKeyword("not"))
        {
            SkipWhitespace();
            var operand = ParseNot();

            // "not not x" is x, as go-bexpr folds it.
            return operand is NotNode inner ? inner.Operand : new NotNode(operand);
        }

        if (!AtEnd && Current == '(')
        {
            var open = _pos;
            _pos++;
            SkipWhitespace();
            var inner = ParseOr();
            SkipWhitespace();
            if (AtEnd || Current != ')')
            {
                throw Error("rule grouping: Unmatched parentheses", open);
            }

            _pos++;
            return inner;
        }

        return ParseMatch();
    }

    private MatchNode ParseMatch()
    {
        if (AtEnd)
        {
            throw Error("no match found, expected: \"(\", \"not\", a selector, a number or a string");
        }

        var start = _pos;
        if (char.IsAsciiLetter(Current))
        {
            return ParseAfterSelector(ParseSelector());
        }

        if (Current is '"' or '`')
        {
            var quote = Current;
            var text = ParseString();
            if (TryInOperator(out var op))
            {
                return new MatchNode(ParseSelectorAfterIn(), op, new FilterValue(text));
            }

            if (quote == '"' && text.StartsWith('/'))
            {
                return ParseAfterSelector(JsonPointer(text, start));
            }

            throw Error("no match found, expected: \"in\" or \"not in\"");
        }

        if (Current == '-' || char.IsAsciiDigit(Current))
        {
            var number = ParseNumber();
            if (TryInOperator(out var op))
            {
                return new MatchNode(ParseSelectorAfterIn(), op, new FilterValue(number));
            }

            throw Error("no match found, expected: \"in\" or \"not in\"");
        }

        throw Error("no match found, expected: \"(\", \"not\", a selector, a number or a string");
    }

    private MatchNode ParseAfterSelector(FilterSelector selector)
    {
        var save = _pos;
        SkipWhitespace();
        if (TryLiteral("==") || TryLiteral("!="))
        {
            var op = _text[_pos - 2] == '=' ? FilterOperator.Equal : FilterOperator.NotEqual;
            SkipWhitespace();
            return new MatchNode(selector, op, new FilterValue(ParseValue()));
        }

        if (TryKeyword("is"))
        {
            SkipWhitespace();
            if (TryKeyword("empty"))
            {
                return new MatchNode(selector, FilterOperator.IsEmpty, null);
            }

            if (TryKeyword("not") && SkipWhitespace() && TryKeyword("empty"))
            {
                return new MatchNode(selector, FilterOperator.IsNotEmpty, null);
            }

            throw Error("no match found, expected: \"empty\" or \"not empty\"");
        }

        if (TryKeyword("contains"))
        {
            SkipWhitespace();
            return new MatchNode(selector, FilterOperator.In, new FilterValue(ParseValue()));
        }

        if (TryKeyword("matches"))
        {
            SkipWhitespace();
            return ParseRegexMatch(selector, FilterOperator.Matches);
        }

        if (TryKeyword("in"))
        {
            // The selector was the value of "value in selector" (a bare word).
            return new MatchNode(ParseSelectorAfterIn(), FilterOperator.In, new FilterValue(selector.ToString()));
        }

        if (TryKeyword("not"))
        {
            SkipWhitespace();
            if (TryKeyword("contains"))
            {
                SkipWhitespace();
                return new MatchNode(selector, FilterOperator.NotIn, new FilterValue(ParseValue()));
            }

            if (TryKeyword("matches"))
            {
                SkipWhitespace();
                return ParseRegexMatch(selector, FilterOperator.NotMatches);
            }

            if (TryKeyword("in"))
            {
                return new MatchNode(ParseSelectorAfterIn(), FilterOperator.NotIn, new FilterValue(selector.ToString()));
            }

            throw Error("no match found, expected: \"contains\", \"in\" or \"matches\"");
        }

        throw Error(ExpectedOperator, SkipWhitespaceFrom(save));
    }

    private MatchNode ParseRegexMatch(FilterSelector selector, FilterOperator op)
    {
        var start = _pos;
        var raw = ParseValue();
        Regex pattern;
        try
        {
            // RE2 (Go's regexp) has no backtracking; the non-backtracking engine keeps matching linear in the same way.
            pattern = new Regex(raw.Replace("(?P<", "(?<", StringComparison.Ordinal), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException)
        {
            throw Error($"Failed to compile regular expression {Quote(raw)}: {error.Message}", start);
        }

        return new MatchNode(selector, op, new FilterValue(raw) { Pattern = pattern });
    }

    private bool TryInOperator(out FilterOperator op)
    {
        var save = _pos;
        SkipWhitespace();
        if (TryKeyword("in"))
        {
            op = FilterOperator.In;
            return true;
        }

        if (TryKeyword("not") && SkipWhitespace() && TryKeyword("in"))
        {
            op = FilterOperator.NotIn;
            return true;
        }

        _pos = save;
        op = default;
        return false;
    }

    private FilterSelector ParseSelectorAfterIn()
    {
        SkipWhitespace();
        var start = _pos;
        if (!AtEnd && char.IsAsciiLetter(Current))
        {
            return ParseSelector();
        }

        if (!AtEnd && Current == '"')
        {
            var text = ParseString();
            if (text.StartsWith('/'))
            {
                return JsonPointer(text, start);
            }
        }

        throw Error("rule match: Invalid selector", start);
    }

    private FilterSelector ParseSelector()
    {
        var path = new List<string> { ParseIdentifier() };
        while (!AtEnd)
        {
            if (Current == '.' && _pos + 1 < _text.Length && char.IsAsciiLetter(_text[_pos + 1]))
            {
                _pos++;
                path.Add(ParseIdentifier());
            }
            else if (Current == '.' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1]))
            {
                var start = ++_pos;
                while (!AtEnd && char.IsAsciiDigit(Current))
                {
                    _pos++;
                }

                path.Add(_text[start.._pos]);
            }
            else if (Current == '[')
            {
                var open = _pos++;
                SkipWhitespace();
                if (AtEnd || Current is not ('"' or '`'))
                {
                    throw Error("rule index: Invalid index", open);
                }

                path.Add(ParseString());
                SkipWhitespace();
                if (AtEnd || Current != ']')
                {
                    throw Error("rule index: Unclosed index expression", open);
                }

                _pos++;
            }
            else
            {
                break;
            }
        }

        return new FilterSelector(path);
    }

    private string ParseIdentifier()
    {
        var start = _pos;
        _pos++;
        while (!AtEnd && IsIdentifierChar(Current))
        {
            _pos++;
        }

        return _text[start.._pos];
    }

    private FilterSelector JsonPointer(string pointer, int start)
    {
        var segments = pointer[1..].Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0 || !segment.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or ':' or '|'))
            {
                throw Error($"rule selector: error validating json pointer: invalid segment {Quote(segment)}", start);
            }
        }

        // RFC 6901 escapes: ~1 is "/" and ~0 is "~".
        return new FilterSelector([.. segments.Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))]);
    }

    private string ParseValue()
    {
        if (AtEnd)
        {
            throw Error("no match found, expected: a value (a bare word, a number or a quoted string)");
        }

        if (char.IsAsciiLetter(Current))
        {
            return ParseSelector().ToString();
        }

        if (Current == '-' || char.IsAsciiDigit(Current))
        {
            return ParseNumber();
        }

        if (Current is '"' or '`')
        {
            return ParseString();
        }

        throw Error("no match found, expected: a value (a bare word, a number or a quoted string)");
    }

    private string ParseNumber()
    {
        var start = _pos;
        if (Current == '-')
        {
            _pos++;
        }

        if (AtEnd || !char.IsAsciiDigit(Current))
        {
            throw Error("rule number: Invalid number literal", start);
        }

        if (Current == '0')
        {
            _pos++;
        }
        else
        {
            SkipDigits();
        }

        if (!AtEnd && Current == '.' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1]))
        {
            _pos++;
            SkipDigits();
        }

        // A number must be followed by whitespace, ")" or the end: "1.2.3" or "8080abc" is not a number.
        if (!AtEnd && !IsWhitespace(Current) && Current != ')')
        {
            throw Error("rule number: Invalid number literal", start);
        }

        return _text[start.._pos];
    }

    private string ParseString()
    {
        var start = _pos;
        var quote = Current;
        var end = _text.IndexOf(quote, _pos + 1);
        if (end < 0)
        {
            throw Error("rule string: Unterminated string literal", start);
        }

        var body = _text[(_pos + 1)..end];
        _pos = end + 1;
        if (quote == '`')
        {
            return body;
        }

        return GoStringLiteral.Unescape(body) ?? throw Error("rule string: invalid syntax", start);
    }

    /// <summary>A keyword preceded by optional whitespace (and/or after a match); restores the position when absent.</summary>
    private bool TryKeywordAhead(string keyword)
    {
        var save = _pos;
        SkipWhitespace();
        if (TryKeyword(keyword))
        {
            SkipWhitespace();
            return true;
        }

        _pos = save;
        return false;
    }

    /// <summary>The keyword at the position as a whole word (so <c>notes</c> is not <c>not</c>).</summary>
    private bool TryKeyword(string keyword)
    {
        var end = _pos + keyword.Length;
        if (end > _text.Length || string.CompareOrdinal(_text, _pos, keyword, 0, keyword.Length) != 0
            || (end < _text.Length && IsIdentifierChar(_text[end])))
        {
            return false;
        }

        _pos = end;
        return true;
    }

    private bool TryLiteral(string literal)
    {
        if (_pos + literal.Length > _text.Length || string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
        {
            return false;
        }

        _pos += literal.Length;
        return true;
    }

    /// <summary>Skips whitespace; always true, so it can sit inside a condition.</summary>
    private bool SkipWhitespace()
    {
        while (!AtEnd && IsWhitespace(Current))
        {
            _pos++;
        }

        return true;
    }

    private int SkipWhitespaceFrom(int position)
    {
        while (position < _text.Length && IsWhitespace(_text[position]))
        {
            position++;
        }

        return position;
    }

    private void SkipDigits()
    {
        while (!AtEnd && char.IsAsciiDigit(Current))
        {
            _pos++;
        }
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsIdentifierChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '/';

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private FilterSyntaxException Error(string message) => Error(message, _pos);

    /// <summary>go-bexpr's (pigeon's) error form: <c>line:column (offset): message</c>, columns counted from 1.</summary>
    private FilterSyntaxException Error(string message, int position)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        var column = position - lineStart + 1;
        return new FilterSyntaxException(string.Create(CultureInfo.InvariantCulture,
            $"Failed to create boolean expression evaluator: {line}:{column} ({position}): {message}"));
    }
}
