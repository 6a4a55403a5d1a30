using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Mesh.Config.Json;

/// <summary>
/// Consul accepts snake_case spellings of its fields (<c>sidecar_service</c>, <c>destination_service_name</c>, ...), as
/// its <c>HookTranslateKeys</c> does. This rewrites such keys to PascalCase before binding, guided by the target type:
/// only keys that name a property of a typed object are translated, so the keys of free-form maps (Meta, Config,
/// TaggedAddresses, ...) and everything inside them stay exactly as written. Unknown keys are left for the decoder.
/// </summary>
public static class SnakeCaseAliases
{
    public static JsonNode? Normalize(JsonNode? node, JsonTypeInfo info)
    {
        switch (node)
        {
            case JsonObject obj when info.Kind == JsonTypeInfoKind.Object:
                // Only a snake_case key renames (mutates) the object; without one it is walked in place, uncopied.
                IEnumerable<KeyValuePair<string, JsonNode?>> pairs = HasSnakeCaseKey(obj) ? obj.ToList() : obj;
                foreach (var (key, value) in pairs)
                {
                    var renamed = key.Contains('_', StringComparison.Ordinal) ? ToPascal(key) : key;
                    if (PropertyNamed(info, renamed) is not { } property)
                    {
                        continue;
                    }

                    Normalize(value, info.Options.GetTypeInfo(property.PropertyType));
                    if (!string.Equals(renamed, key, StringComparison.Ordinal) && !obj.ContainsKey(renamed))
                    {
                        obj.Remove(key);
                        obj[renamed] = value;
                    }
                }

                break;
            case JsonArray array when info.Kind == JsonTypeInfoKind.Enumerable && info.ElementType is { } element:
                var elementInfo = info.Options.GetTypeInfo(element);
                foreach (var item in array)
                {
                    Normalize(item, elementInfo);
                }

                break;
        }

        return node;
    }

    private static bool HasSnakeCaseKey(JsonObject obj)
    {
        foreach (var (key, _) in obj)
        {
            if (key.Contains('_', StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A loop, not LINQ: this runs for every key of every request body.</summary>
    private static JsonPropertyInfo? PropertyNamed(JsonTypeInfo info, string name)
    {
        var properties = info.Properties;
        for (var i = 0; i < properties.Count; i++)
        {
            if (properties[i].Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return properties[i];
            }
        }

        return null;
    }

    private static string ToPascal(string key)
        => string.Concat(key.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
