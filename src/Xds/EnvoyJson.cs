using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Mesh.Xds;

/// <summary>
/// Reads Envoy configuration JSON the way Envoy does. Envoy's loader accepts a single value where a list is
/// expected (Consul's bootstrap writes <c>"grpc_services": { … }</c>); Google.Protobuf's parser rejects that, so
/// such values are wrapped in an array first, at any depth, including inside <c>Any</c> typed configs.
/// Unknown fields are still errors.
/// </summary>
public static class EnvoyJson
{
    private static readonly JsonParser Parser =
        new(JsonParser.Settings.Default.WithTypeRegistry(XdsTypeRegistry.Instance));

    /// <summary>Parses <paramref name="json"/> as <typeparamref name="T"/>, accepting single values for lists.</summary>
    /// <exception cref="System.Text.Json.JsonException">The text is not JSON.</exception>
    /// <exception cref="InvalidProtocolBufferException">The JSON does not describe a <typeparamref name="T"/>.</exception>
    public static T Parse<T>(string json)
        where T : IMessage<T>, new()
    {
        var root = JsonNode.Parse(json);
        WrapSingleValuesOfLists(root, new T().Descriptor);
        return Parser.Parse<T>(root?.ToJsonString() ?? "null");
    }

    private static void WrapSingleValuesOfLists(JsonNode? node, MessageDescriptor descriptor)
    {
        if (node is not JsonObject json) return;
        if (descriptor.FullName == Any.Descriptor.FullName)
        {
            // An Any holding a message is that message plus "@type"; one holding a well-known type has its own
            // JSON form under "value", left as is.
            var packed = json["@type"]?.GetValue<string>() is { } typeUrl
                ? XdsTypeRegistry.Instance.Find(typeUrl[(typeUrl.LastIndexOf('/') + 1)..])
                : null;
            if (packed is not null) WrapSingleValuesOfLists(json, packed);
            return;
        }
        if (descriptor.File.Package == "google.protobuf") return; // well-known types have their own JSON forms

        foreach (var (name, value) in json.ToList())
        {
            var field = descriptor.FindFieldByName(name)
                ?? descriptor.Fields.InFieldNumberOrder().FirstOrDefault(f => f.JsonName == name);
            if (field is null || value is null) continue;
            if (field.IsMap)
            {
                var valueField = field.MessageType.FindFieldByNumber(2);
                if (valueField.FieldType == FieldType.Message && value is JsonObject entries)
                {
                    foreach (var (_, entry) in entries) WrapSingleValuesOfLists(entry, valueField.MessageType);
                }
                continue;
            }
            var elements = value;
            if (field.IsRepeated && value is not JsonArray)
            {
                elements = new JsonArray(value.DeepClone());
                json[name] = elements;
            }
            if (field.FieldType != FieldType.Message) continue;
            if (elements is JsonArray array)
            {
                foreach (var element in array) WrapSingleValuesOfLists(element, field.MessageType);
            }
            else
            {
                WrapSingleValuesOfLists(elements, field.MessageType);
            }
        }
    }
}
