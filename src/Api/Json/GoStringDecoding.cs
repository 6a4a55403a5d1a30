using System.Globalization;
using System.Text;

namespace Mesh.Api.Json;

/// <summary>
/// Unescapes a JSON string's raw bytes the way Go's encoding/json does when the text is not clean: invalid UTF-8 and
/// unpaired surrogate escapes become U+FFFD. Only used on the slow path, after the strict decoder refused the string.
/// </summary>
internal static class GoStringDecoding
{
    public static string Unescape(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw); // invalid UTF-8 -> U+FFFD
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\' || i + 1 >= text.Length)
            {
                result.Append(c);
                continue;
            }

            var e = text[++i];
            switch (e)
            {
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 't': result.Append('\t'); break;
                case 'u' when i + 4 < text.Length && TryHex(text.AsSpan(i + 1, 4), out var unit):
                    i += 4;
                    if (char.IsHighSurrogate(unit) && i + 6 < text.Length && text[i + 1] == '\\' && text[i + 2] == 'u'
                        && TryHex(text.AsSpan(i + 3, 4), out var low) && char.IsLowSurrogate(low))
                    {
                        result.Append(unit).Append(low);
                        i += 6;
                    }
                    else
                    {
                        result.Append(char.IsSurrogate(unit) ? '\uFFFD' : unit);
                    }

                    break;
                default: result.Append(e); break; // \" \\ \/ (the strict reader already checked the escapes)
            }
        }

        return result.ToString();
    }

    private static bool TryHex(ReadOnlySpan<char> digits, out char unit)
    {
        var ok = ushort.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value);
        unit = (char)value;
        return ok;
    }
}
