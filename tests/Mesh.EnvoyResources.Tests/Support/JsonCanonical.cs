using System.Text.Json.Nodes;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>JSON made comparable: keys sorted at every level, certificate and key bytes replaced by a marker.</summary>
internal static class JsonCanonical
{
    public static string Of(JsonNode? node) => Canonical(node)?.ToJsonString() ?? "null";

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, p.Key == "inlineString" && IsPem(p.Value) ? JsonValue.Create("<pem>") : Canonical(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Canonical)]),
        null => null,
        _ => node.DeepClone(),
    };

    private static bool IsPem(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith("-----BEGIN", StringComparison.Ordinal);
}
