using System.Text.Json.Nodes;
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
}
