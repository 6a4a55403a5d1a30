using System.Text.Json.Nodes;
using Google.Protobuf;
using Mesh.Xds;

namespace Mesh.EnvoyResources;

/// <summary>Envoy resources given as JSON in proxy config (Consul's <c>envoy_*_json</c> escape hatches).</summary>
internal static class EscapeHatch
{
    /// <summary>
    /// The resource, accepting Consul's optional <c>"@type"</c> wrapper; null when it does not parse, and then the
    /// generated resource stays (Consul fails the whole configuration instead).
    /// </summary>
    public static T? Parse<T>(string json)
        where T : class, IMessage<T>, new()
    {
        try
        {
            var node = JsonNode.Parse(json) as JsonObject;
            if (node is null)
            {
                return null;
            }

            node.Remove("@type");
            return EnvoyJson.Parse<T>(node.ToJsonString());
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or InvalidProtocolBufferException or InvalidOperationException)
        {
            return null;
        }
    }
}
