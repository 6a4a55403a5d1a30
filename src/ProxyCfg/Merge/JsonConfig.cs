using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Fsm.Model;

namespace Mesh.ProxyCfg.Merge;

/// <summary>Free-form proxy/upstream <c>Config</c> maps as mutable JSON objects, and the typed values read from them.</summary>
public static class JsonConfig
{
    public static JsonObject Parse(JsonBlob blob)
        => blob.IsEmpty ? [] : JsonNode.Parse(blob.Json) as JsonObject ?? [];

    public static JsonBlob ToBlob(JsonObject config)
        => config.Count == 0 ? JsonBlob.EmptyObject : JsonBlob.From(JsonSerializer.SerializeToElement(config, JsonConfigContext.Default.JsonObject));

    /// <summary>Adds each key of <paramref name="defaults"/> that <paramref name="target"/> lacks (mergo.Merge: the target wins).</summary>
    public static void FillMissing(JsonObject target, JsonObject defaults)
    {
        foreach (var (key, value) in defaults)
        {
            if (!target.ContainsKey(key))
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>A string value (Consul reads <c>protocol</c> this way), or empty.</summary>
    public static string Text(JsonBlob config, string key) => Text(Parse(config), key);

    /// <inheritdoc cref="Text(JsonBlob, string)"/>
    public static string Text(JsonObject config, string key)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : string.Empty;
    }

    /// <summary>A whole number, given as a number or a numeric string (mapstructure's weak decoding), or 0.</summary>
    public static long WholeNumber(JsonBlob config, string key) => WholeNumber(Parse(config), key);

    /// <inheritdoc cref="WholeNumber(JsonBlob, string)"/>
    public static long WholeNumber(JsonObject config, string key)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config[key] is not JsonValue value)
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
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class JsonConfigContext : System.Text.Json.Serialization.JsonSerializerContext;
