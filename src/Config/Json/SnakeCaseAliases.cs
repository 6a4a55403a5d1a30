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
                foreach (var (key, value) in obj.ToList())
                {
                    var renamed = key.Contains('_', StringComparison.Ordinal) ? ToPascal(key) : key;
                    var property = info.Properties.FirstOrDefault(p => p.Name.Equals(renamed, StringComparison.OrdinalIgnoreCase));
                    if (property is null)
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

    private static string ToPascal(string key)
        => string.Concat(key.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
