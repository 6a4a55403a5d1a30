using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Api.Json;

/// <summary>
/// Consul accepts snake_case spellings of its fields (<c>sidecar_service</c>, <c>destination_service_name</c>, ...).
/// This rewrites such keys to PascalCase before binding, except the keys of free-form maps, which are user data.
/// </summary>
public static class SnakeCaseAliases
{
    private static readonly HashSet<string> FreeFormMaps = new(StringComparer.OrdinalIgnoreCase)
    {
        "Meta", "NodeMeta", "ServiceMeta", "TaggedAddresses", "tagged_addresses", "node_meta", "service_meta",
        "Config", "Header", "Opaque", "EnterpriseMeta",
    };

    public static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    var renamed = key.Contains('_', StringComparison.Ordinal) ? ToPascal(key) : key;
                    if (FreeFormMaps.Contains(key) && value is JsonObject map)
                    {
                        // Keys of the map stay as written; the values may still be structured (service tagged addresses).
                        foreach (var (_, inner) in map)
                        {
                            Normalize(inner);
                        }
                    }
                    else
                    {
                        Normalize(value);
                    }

                    if (!string.Equals(renamed, key, StringComparison.Ordinal) && !obj.ContainsKey(renamed))
                    {
                        obj.Remove(key);
                        obj[renamed] = value;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Normalize(item);
                }

                break;
        }

        return node;
    }

    private static string ToPascal(string key)
    {
        var builder = new StringBuilder(key.Length);
        var upper = true;
        foreach (var c in key)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }
}
