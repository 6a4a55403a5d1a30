using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;
using MessagePack.Formatters;

namespace Mesh.Fsm.Model;

/// <summary>
/// A free-form JSON value (Consul's <c>map[string]interface{}</c> fields such as <c>Proxy.Config</c>), kept as its
/// canonical text so it is replicated byte-for-byte and compares by value.
/// </summary>
[JsonConverter(typeof(JsonBlobJsonConverter))]
[MessagePackFormatter(typeof(JsonBlobMessagePackFormatter))]
public readonly record struct JsonBlob(string Json)
{
    public static JsonBlob EmptyObject { get; } = new("{}");

    public bool IsEmpty => string.IsNullOrEmpty(Json) || Json == "{}" || Json == "null";

    /// <summary>Canonicalizes an element: object keys sorted ordinally, no insignificant white space.</summary>
    public static JsonBlob From(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteCanonical(writer, element);
        }

        return new JsonBlob(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}

public sealed class JsonBlobJsonConverter : JsonConverter<JsonBlob>
{
    public override JsonBlob Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return JsonBlob.From(document.RootElement);
    }

    public override void Write(Utf8JsonWriter writer, JsonBlob value, JsonSerializerOptions options)
    {
        if (string.IsNullOrEmpty(value.Json))
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        writer.WriteRawValue(value.Json, skipInputValidation: true);
    }
}

public sealed class JsonBlobMessagePackFormatter : IMessagePackFormatter<JsonBlob>
{
    public void Serialize(ref MessagePackWriter writer, JsonBlob value, MessagePackSerializerOptions options)
        => writer.Write(value.Json);

    public JsonBlob Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        => new(reader.ReadString() ?? string.Empty);
}
