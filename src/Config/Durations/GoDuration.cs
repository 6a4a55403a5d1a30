using System.Globalization;
using System.Text;

namespace Mesh.Config.Durations;

/// <summary>
/// Go's <c>time.ParseDuration</c> and <c>Duration.String</c>: the one parser for Consul's duration fields, <c>?wait=</c>,
/// agent config and the CA's TTL settings. Decimal arithmetic keeps fractions exact ("0.5h", "1.5ms").
/// </summary>
public static class GoDuration
{
    private static readonly (string Unit, decimal Ticks)[] Units =
    [
        ("ns", 0.01m), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var span = text.AsSpan();
        var negative = false;
        if (span[0] is '+' or '-')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        if (span.SequenceEqual("0"))
        {
            return true;
        }

        if (span.IsEmpty)
        {
            return false;
        }

        decimal ticks = 0;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !decimal.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[numberLength..];
            var unitLength = 0;
            while (unitLength < span.Length && !char.IsAsciiDigit(span[unitLength]) && span[unitLength] != '.')
            {
                unitLength++;
            }

            if (unitLength == 0)
            {
                return false; // Go requires a unit on every number but a lone "0".
            }

            var unit = span[..unitLength];
            var found = false;
            foreach (var (name, unitTicks) in Units)
            {
                if (unit.SequenceEqual(name))
                {
                    if (number > (TimeSpan.MaxValue.Ticks - ticks) / unitTicks)
                    {
                        return false; // beyond TimeSpan's range (checked first: the product could overflow decimal)
                    }

                    ticks += number * unitTicks;
                    found = true;
                    break;
                }
            }

            if (!found || ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }

            span = span[unitLength..];
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    /// <summary>Whole hours as "72h" (as Consul writes its CA TTL defaults); anything else as <see cref="Format"/>.</summary>
    public static string FormatHours(TimeSpan duration)
        => duration != TimeSpan.Zero && duration.Ticks % TimeSpan.TicksPerHour == 0
            ? ((long)duration.TotalHours).ToString(CultureInfo.InvariantCulture) + "h"
            : Format(duration);

    /// <summary>Formats like Go: <c>0s</c>, <c>1.5s</c>, <c>10s</c>, <c>1m30s</c>, <c>2h0m0s</c>, <c>250ms</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            builder.Append('-');
            duration = duration.Negate();
        }

        if (duration < TimeSpan.FromSeconds(1))
        {
            var ms = duration.TotalMilliseconds;
            return builder.Append(ms >= 1 ? $"{ms.ToString("0.######", CultureInfo.InvariantCulture)}ms" : $"{(duration.Ticks / 10.0).ToString("0.###", CultureInfo.InvariantCulture)}µs").ToString();
        }

        var hours = (long)duration.TotalHours;
        var minutes = duration.Minutes;
        var seconds = duration.TotalSeconds - (hours * 3600) - (minutes * 60);
        if (hours > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (hours > 0 || minutes > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        builder.Append(seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s');
        return builder.ToString();
    }
}
