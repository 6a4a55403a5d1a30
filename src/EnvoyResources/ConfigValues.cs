using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Durations;
using Mesh.ProxyCfg.Merge;

namespace Mesh.EnvoyResources;

/// <summary>Typed reads from a free-form config map, with mapstructure's weak decoding (numbers given as strings).</summary>
internal static class ConfigValues
{
    public static string Protocol(JsonObject json)
    {
        var protocol = String(json, "protocol").ToLowerInvariant();
        return protocol.Length == 0 ? "tcp" : protocol;
    }

    public static string String(JsonObject json, string key) => JsonConfig.Text(json, key);

    public static long Integer(JsonObject json, string key) => JsonConfig.WholeNumber(json, key);

    /// <summary>A millisecond count as a duration, or null when absent or not positive.</summary>
    public static TimeSpan? Milliseconds(JsonObject json, string key)
        => Integer(json, key) is var ms and > 0 ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>
    /// A count under its snake_case key or its Go field name (mapstructure matches either), or null when neither is
    /// there or the value is not a whole number of at least zero.
    /// </summary>
    public static uint? OptionalCount(JsonObject json, string key, string fieldName)
    {
        var node = json[key] ?? json[fieldName];
        if (node is not JsonValue value)
        {
            return null;
        }

        var text = value.GetValueKind() switch
        {
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.String => value.GetValue<string>(),
            _ => string.Empty,
        };
        return uint.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : null;
    }

    /// <summary>
    /// An upstream config's <c>passive_health_check</c> (Consul's <c>PassiveHealthCheck</c> decoded by mapstructure):
    /// durations as Go duration strings or nanoseconds; null when absent.
    /// </summary>
    public static PassiveHealthCheck? PassiveHealthCheck(JsonObject? check)
        => check is null
            ? null
            : new PassiveHealthCheck
            {
                Interval = Duration(check["interval"] ?? check["Interval"]),
                MaxFailures = OptionalCount(check, "max_failures", "MaxFailures") ?? 0,
                EnforcingConsecutive5xx = OptionalCount(check, "enforcing_consecutive_5xx", "EnforcingConsecutive5xx"),
                MaxEjectionPercent = OptionalCount(check, "max_ejection_percent", "MaxEjectionPercent"),
                BaseEjectionTime = Duration(check["base_ejection_time"] ?? check["BaseEjectionTime"]),
            };

    /// <summary>A Go duration string as given, or nanoseconds as one; null when absent or neither.</summary>
    private static string? Duration(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            return GoDuration.TryParse(text, out _) ? text : null;
        }

        return value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var nanoseconds)
            ? GoDuration.Format(TimeSpan.FromTicks(nanoseconds / 100))
            : null;
    }
}
