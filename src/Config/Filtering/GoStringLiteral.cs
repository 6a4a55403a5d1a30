using System.Globalization;
using System.Text;

namespace Mesh.Config.Filtering;

/// <summary>
/// Decodes the body of a double-quoted literal as Go's <c>strconv.Unquote</c> does (go-bexpr unquotes its strings
/// with it): <c>\n</c>, <c>\t</c>, <c>\\</c>, <c>\xHH</c>, <c>\uHHHH</c>, octal and the rest.
/// </summary>
internal static class GoStringLiteral
{
    /// <summary>Returns null when an escape is malformed (Go's "invalid syntax").</summary>
    public static string? Unescape(string body)
    {
        if (!body.Contains('\\', StringComparison.Ordinal))
        {
            return body;
        }

        var builder = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (++i >= body.Length)
            {
                return null;
            }

            switch (body[i])
            {
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'v': builder.Append('\v'); break;
                case '\\': builder.Append('\\'); break;
                case 'x' when Hex(body, i + 1, 2) is { } code: builder.Append((char)code); i += 2; break;
                case 'u' when Hex(body, i + 1, 4) is { } code: builder.Append((char)code); i += 4; break;
                case 'U' when Hex(body, i + 1, 8) is { } code and <= 0x10FFFF: builder.Append(char.ConvertFromUtf32(code)); i += 8; break;
                case >= '0' and <= '7' when Octal(body, i) is { } code: builder.Append((char)code); i += 2; break;
                default: return null;
            }
        }

        return builder.ToString();
    }

    private static int? Hex(string text, int start, int length)
        => start + length <= text.Length
            && int.TryParse(text.AsSpan(start, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;

    private static int? Octal(string text, int start)
    {
        if (start + 3 > text.Length)
        {
            return null;
        }

        var code = 0;
        for (var i = start; i < start + 3; i++)
        {
            if (text[i] is < '0' or > '7')
            {
                return null;
            }

            code = (code * 8) + (text[i] - '0');
        }

        return code <= 255 ? code : null;
    }
}
