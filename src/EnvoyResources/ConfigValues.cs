using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.EnvoyResources;

/// <summary>Typed reads from a free-form config map, with mapstructure's weak decoding (numbers given as strings).</summary>
internal static class ConfigValues
{
    public static string Protocol(JsonObject json)
    {
        var protocol = String(json, "protocol").ToLowerInvariant();
        return protocol.Length == 0 ? "tcp" : protocol;
    }

    public static string String(JsonObject json, string key)
        => json[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : string.Empty;

    public static long Integer(JsonObject json, string key)
    {
        if (json[key] is not JsonValue value)
        {
            return 0;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.Number when value.TryGetValue<long>(out var whole) => whole,
            JsonValueKind.Number when value.TryGetValue<double>(out var real) => (long)real,
            JsonValueKind.String when long.TryParse(value.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        };
    }

    /// <summary>A millisecond count as a duration, or null when absent or not positive.</summary>
    public static TimeSpan? Milliseconds(JsonObject json, string key)
        => Integer(json, key) is var ms and > 0 ? TimeSpan.FromMilliseconds(ms) : null;
}
