using System.Globalization;
using System.Text;

namespace Mesh.Acl.Rules;

internal enum TokenKind
{
    End,
    Identifier,
    String,
    Number,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Equals,
    Colon,
    Comma,
}

internal readonly record struct RulesToken(TokenKind Kind, string Text, SourcePosition Position)
{
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the rules",
        TokenKind.String => $"the string \"{Text}\"",
        TokenKind.Identifier => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits HCL (and JSON, its subset here) into tokens. Newlines are plain whitespace: Consul's policies write
/// <c>policy = "write" intentions = "read"</c> on one line as often as on two. Comments: <c>#</c>, <c>//</c>, <c>/* */</c>.
/// </summary>
internal sealed class RulesLexer
{
    private readonly string _text;
    private int _offset;
    private int _line = 1;
    private int _lineStart;

    public RulesLexer(string text) => _text = text;

    private SourcePosition Here => new(_line, _offset - _lineStart + 1);

    public RulesToken Next()
    {
        SkipSpaceAndComments();
        var start = Here;
        if (_offset >= _text.Length)
        {
            return new(TokenKind.End, string.Empty, start);
        }

        var c = _text[_offset];
        var single = c switch
        {
            '{' => TokenKind.LeftBrace,
            '}' => TokenKind.RightBrace,
            '[' => TokenKind.LeftBracket,
            ']' => TokenKind.RightBracket,
            '=' => TokenKind.Equals,
            ':' => TokenKind.Colon,
            ',' => TokenKind.Comma,
            _ => TokenKind.End,
        };
        if (single != TokenKind.End)
        {
            _offset++;
            return new(single, c.ToString(), start);
        }

        if (c == '"')
        {
            return new(TokenKind.String, ReadString(start), start);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            var begin = _offset;
            while (_offset < _text.Length && (char.IsAsciiLetterOrDigit(_text[_offset]) || _text[_offset] is '_' or '-' or '.'))
            {
                _offset++;
            }

            return new(TokenKind.Identifier, _text[begin.._offset], start);
        }

        if (char.IsAsciiDigit(c) || c == '-')
        {
            var begin = _offset++;
            while (_offset < _text.Length && (char.IsAsciiDigit(_text[_offset]) || _text[_offset] is '.' or 'e' or 'E' or '+' or '-'))
            {
                _offset++;
            }

            return new(TokenKind.Number, _text[begin.._offset], start);
        }

        if (c == '<' && _offset + 1 < _text.Length && _text[_offset + 1] == '<')
        {
            throw new RulesSyntaxException("heredoc strings are not supported in ACL rules", start.Line, start.Column);
        }

        throw new RulesSyntaxException($"unexpected character '{c}'", start.Line, start.Column);
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
                var start = Here;
                _offset += 2;
                while (true)
                {
                    if (_offset >= _text.Length)
                    {
                        throw new RulesSyntaxException("comment not terminated (missing \"*/\")", start.Line, start.Column);
                    }

                    if (_text[_offset] == '*' && Peek(1) == '/')
                    {
                        _offset += 2;
                        break;
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
            else
            {
                return;
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

    private string ReadString(SourcePosition start)
    {
        _offset++;
        var value = new StringBuilder();
        while (true)
        {
            if (_offset >= _text.Length || _text[_offset] == '\n')
            {
                throw new RulesSyntaxException("string not terminated (missing closing '\"')", start.Line, start.Column);
            }

            var c = _text[_offset++];
            if (c == '"')
            {
                return value.ToString();
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            var escape = Here;
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
                case 'u' when _offset + 4 <= _text.Length
                              && int.TryParse(_text.AsSpan(_offset, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    value.Append((char)code);
                    _offset += 4;
                    break;
                default:
                    throw new RulesSyntaxException($"invalid escape sequence in string", escape.Line, escape.Column - 1);
            }
        }
    }
}
