using System.Globalization;
using System.Text;

namespace Mesh.Ca.Config;

/// <summary>
/// Go duration text for the CA's TTL settings ("72h", "1h30m", "8760h"). The API layer has its own copy of Go's parser;
/// this project sits below it, so it keeps a small one of its own.
/// </summary>
public static class CaDurations
{
    private static readonly (string Unit, long Ticks)[] Units =
    [
        ("h", TimeSpan.TicksPerHour), ("ms", TimeSpan.TicksPerMillisecond), ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond), ("us", 10), ("µs", 10), ("ns", 0),
    ];

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        var span = text.AsSpan();
        decimal ticks = 0;
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !decimal.TryParse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[digits..];
            var matched = false;
            foreach (var (unit, unitTicks) in Units)
            {
                // "ms" must win over "m": it is listed first, and "m" followed by "s" is only ever "ms".
                if (span.StartsWith(unit, StringComparison.Ordinal))
                {
                    ticks += number * (unit == "ns" ? 0.01m : unitTicks);
                    span = span[unit.Length..];
                    matched = true;
                    break;
                }
            }

            if (!matched || ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Whole hours as "72h" (as Consul's defaults are written); anything else as Go's <c>Duration.String</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        if (duration.Ticks % TimeSpan.TicksPerHour == 0)
        {
            return ((long)duration.TotalHours).ToString(CultureInfo.InvariantCulture) + "h";
        }

        var builder = new StringBuilder();
        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || duration.Minutes > 0)
        {
            builder.Append(duration.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        var seconds = duration.Seconds + (duration.Ticks % TimeSpan.TicksPerSecond / (decimal)TimeSpan.TicksPerSecond);
        builder.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('s');
        return builder.ToString();
    }
}
