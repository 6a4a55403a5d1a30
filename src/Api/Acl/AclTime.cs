using System.Globalization;

namespace Mesh.Api.Acl;

/// <summary>Token times as Go's <c>time.Time</c> JSON: RFC 3339 with the fraction's trailing zeros dropped (UTC here).</summary>
public static class AclTime
{
    public static string Format(long unixMilliseconds)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime;
        var text = time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = time.Millisecond;
        return fraction == 0 ? text + "Z" : text + "." + fraction.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0') + "Z";
    }

    /// <summary>Parses an RFC 3339 time (with a zone); null when it is not one.</summary>
    public static DateTimeOffset? Parse(string text)
        => text.Length >= 20 && (text[10] == 'T' || text[10] == 't')
           && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}
