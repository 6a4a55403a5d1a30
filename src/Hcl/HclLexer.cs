using System.Globalization;
using System.Text;

namespace Mesh.Hcl;

internal enum HclTokenKind
{
    End,
    Identifier,
    String,
    Heredoc,
    Number,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Equals,
    Colon,
    Comma,
}

internal readonly record struct HclToken(HclTokenKind Kind, string Text, HclPosition Position)
{
    public string Describe() => Kind switch
    {
        HclTokenKind.End => "end of file",
        HclTokenKind.String => $"string \"{Text}\"",
        HclTokenKind.Heredoc => "a heredoc",
        HclTokenKind.Identifier => $"\"{Text}\"",
        HclTokenKind.Number => $"number {Text}",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits HCL1 into tokens: identifiers (letters, digits, <c>_ - .</c>), quoted strings with JSON's escapes,
/// heredocs (<c>&lt;&lt;EOF</c> and the indented <c>&lt;&lt;-EOF</c>), numbers, punctuation. Newlines separate items but
/// carry no other meaning, so they are skipped like spaces. Comments: <c>#</c>, <c>//</c>, <c>/* */</c>.
/// </summary>
internal sealed class HclLexer
{
    private readonly string _text;
    private readonly bool _colons;
    private int _offset;
    private int _line = 1;
    private int _lineStart;

    /// <param name="text">The document.</param>
    /// <param name="colons">Whether ':' is a token (JSON's key separator); otherwise it is an illegal character.</param>
    public HclLexer(string text, bool colons)
    {
        _text = text;
        _colons = colons;
    }

    private HclPosition Here => new(_line, _offset - _lineStart + 1);

    public HclToken Next()
    {
        SkipSpaceAndComments();
        var start = Here;
        if (_offset >= _text.Length)
        {
            return new(HclTokenKind.End, string.Empty, start);
        }

        var c = _text[_offset];
        var single = c switch
        {
            '{' => HclTokenKind.LeftBrace,
            '}' => HclTokenKind.RightBrace,
            '[' => HclTokenKind.LeftBracket,
            ']' => HclTokenKind.RightBracket,
            '=' => HclTokenKind.Equals,
            ',' => HclTokenKind.Comma,
            ':' when _colons => HclTokenKind.Colon,
            _ => HclTokenKind.End,
        };
        if (single != HclTokenKind.End)
        {
            _offset++;
            return new(single, c.ToString(), start);
        }

        if (c == '"')
        {
            return new(HclTokenKind.String, ReadString(start), start);
        }

        if (c == '<' && Peek(1) == '<')
        {
            return new(HclTokenKind.Heredoc, ReadHeredoc(start), start);
        }

        if (char.IsLetter(c) || c == '_')
        {
            var begin = _offset;
            while (_offset < _text.Length && (char.IsLetterOrDigit(_text[_offset]) || _text[_offset] is '_' or '-' or '.'))
            {
                _offset++;
            }

            return new(HclTokenKind.Identifier, _text[begin.._offset], start);
        }

        if (char.IsAsciiDigit(c) || ((c is '-' or '+' or '.') && char.IsAsciiDigit(Peek(1))))
        {
            var begin = _offset++;
            while (_offset < _text.Length && (char.IsAsciiLetterOrDigit(_text[_offset]) || _text[_offset] is '.'
                       || (_text[_offset] is '+' or '-' && _text[_offset - 1] is 'e' or 'E')))
            {
                _offset++;
            }

            return new(HclTokenKind.Number, _text[begin.._offset], start);
        }

        throw new HclSyntaxException(HclSyntaxError.IllegalCharacter, $"illegal character '{c}'", start, found: $"'{c}'");
    }

    private void SkipSpaceAndComments()
    {
        while (_offset < _text.Length)
        {
            var c = _text[_offset];
            if (c == '\n')
            {
                NewLine();
            }
            else if (c is ' ' or '\t' or '\r' or '\uFEFF')
            {
                _offset++;
            }
            else if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                while (_offset < _text.Length && _text[_offset] != '\n')
                {
                    _offset++;
                }
            }
            else if (c == '/' && Peek(1) == '*')
            {
                SkipBlockComment();
            }
            else
            {
                return;
            }
        }
    }

    private void SkipBlockComment()
    {
        var start = Here;
        _offset += 2;
        while (true)
        {
            if (_offset >= _text.Length)
            {
                throw new HclSyntaxException(HclSyntaxError.UnterminatedComment, "comment not terminated (missing \"*/\")", start);
            }

            if (_text[_offset] == '*' && Peek(1) == '/')
            {
                _offset += 2;
                return;
            }

            if (_text[_offset] == '\n')
            {
                NewLine();
            }
            else
            {
                _offset++;
            }
        }
    }

    private void NewLine()
    {
        _offset++;
        _line++;
        _lineStart = _offset;
    }

    private char Peek(int ahead) => _offset + ahead < _text.Length ? _text[_offset + ahead] : '\0';

    private string ReadString(HclPosition start)
    {
        _offset++;
        var value = new StringBuilder();
        while (true)
        {
            if (_offset >= _text.Length || _text[_offset] == '\n')
            {
                throw new HclSyntaxException(HclSyntaxError.UnterminatedString, "string not terminated (missing closing '\"')", start);
            }

            var c = _text[_offset++];
            if (c == '"')
            {
                return value.ToString();
            }

            if (c == '$' && _offset < _text.Length && _text[_offset] == '{')
            {
                // HCL1 keeps interpolations as literal text; they may contain quotes and braces.
                ReadInterpolation(value, start);
                continue;
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            ReadEscape(value);
        }
    }

    private void ReadInterpolation(StringBuilder value, HclPosition start)
    {
        value.Append('$');
        var depth = 0;
        while (_offset < _text.Length && _text[_offset] != '\n')
        {
            var c = _text[_offset++];
            value.Append(c);
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && --depth == 0)
            {
                return;
            }
        }

        throw new HclSyntaxException(HclSyntaxError.UnterminatedString, "interpolation \"${\" not terminated (missing '}')", start);
    }

    private void ReadEscape(StringBuilder value)
    {
        var escape = new HclPosition(_line, _offset - _lineStart);
        var next = _offset < _text.Length ? _text[_offset++] : '\0';
        switch (next)
        {
            case '"': value.Append('"'); break;
            case '\\': value.Append('\\'); break;
            case '/': value.Append('/'); break;
            case 'n': value.Append('\n'); break;
            case 't': value.Append('\t'); break;
            case 'r': value.Append('\r'); break;
            case 'b': value.Append('\b'); break;
            case 'f': value.Append('\f'); break;
            case 'a': value.Append('\a'); break;
            case 'v': value.Append('\v'); break;
            case 'u' or 'U':
                var digits = next == 'u' ? 4 : 8;
                if (_offset + digits > _text.Length
                    || !int.TryParse(_text.AsSpan(_offset, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
                    || code > 0x10FFFF || (code is >= 0xD800 and <= 0xDFFF && digits == 8))
                {
                    throw new HclSyntaxException(HclSyntaxError.InvalidEscape, $"invalid \\{next} escape (expected {digits} hexadecimal digits)", escape);
                }

                value.Append(char.ConvertFromUtf32(code is >= 0xD800 and <= 0xDFFF ? 0xFFFD : code));
                _offset += digits;
                break;
            default:
                throw new HclSyntaxException(HclSyntaxError.InvalidEscape, $"invalid escape sequence \"\\{next}\" in string", escape);
        }
    }

    /// <summary>
    /// <c>&lt;&lt;EOF</c> up to a line holding only <c>EOF</c>; the text keeps its final newline, as HCL1's does.
    /// <c>&lt;&lt;-EOF</c> also allows the closing marker to be indented and removes the lines' common indentation.
    /// </summary>
    private string ReadHeredoc(HclPosition start)
    {
        _offset += 2;
        var indented = Peek(0) == '-';
        if (indented)
        {
            _offset++;
        }

        var markerStart = _offset;
        while (_offset < _text.Length && (char.IsLetterOrDigit(_text[_offset]) || _text[_offset] == '_'))
        {
            _offset++;
        }

        var marker = _text[markerStart.._offset];
        if (marker.Length == 0 || (_offset < _text.Length && _text[_offset] is not ('\n' or '\r')))
        {
            throw new HclSyntaxException(HclSyntaxError.UnterminatedHeredoc, "heredoc expected an identifier and then a newline after \"<<\" (e.g. <<EOF)", start);
        }

        if (_text[_offset] == '\r')
        {
            _offset++;
        }

        NewLine();
        var lines = new List<string>();
        while (true)
        {
            if (_offset >= _text.Length)
            {
                throw new HclSyntaxException(HclSyntaxError.UnterminatedHeredoc, $"heredoc not terminated (missing a line \"{marker}\")", start);
            }

            var end = _text.IndexOf('\n', _offset);
            var line = (end < 0 ? _text[_offset..] : _text[_offset..end]).TrimEnd('\r');
            _offset = end < 0 ? _text.Length : end;
            if (_offset < _text.Length)
            {
                NewLine();
            }

            if ((indented ? line.Trim() : line) == marker)
            {
                break;
            }

            lines.Add(line);
        }

        if (indented)
        {
            var common = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart(' ', '\t').Length).DefaultIfEmpty(0).Min();
            lines = [.. lines.Select(l => l.Length >= common ? l[common..] : l.TrimStart(' ', '\t'))];
        }

        return lines.Count == 0 ? string.Empty : string.Join('\n', lines) + "\n";
    }
}
