using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Api.Json;

/// <summary>
/// Parses a request body into a <see cref="JsonNode"/> tree the way Consul's decoder reads it: a key repeated in one
/// object keeps its last value (Go's <c>encoding/json</c>), instead of the duplicate-key failure of
/// <see cref="JsonNode.Parse(System.ReadOnlySpan{byte}, JsonNodeOptions?, JsonDocumentOptions)"/>. Every malformed
/// input (syntax, nesting past <see cref="MaxDepth"/>, text that is not UTF-8) is a <see cref="JsonException"/> whose
/// message names the problem and its byte offset.
/// </summary>
public static class JsonBodyParser
{
    public const int MaxDepth = 64;

    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        if (!reader.Read())
        {
            throw new JsonException("the body holds no JSON value");
        }

        var node = ReadValue(ref reader);

        // The reader itself refuses anything but whitespace after the root value.
        if (reader.Read())
        {
            throw new JsonException($"unexpected data after the JSON value at byte {reader.TokenStartIndex}");
        }

        return node;
    }

    private static JsonNode? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonObject();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = Text(ref reader, "property name");
                    reader.Read();

                    // Last one wins, as in Go.
                    obj[name] = ReadValue(ref reader);
                }

                return obj;
            case JsonTokenType.StartArray:
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Add(ReadValue(ref reader));
                }

                return array;
            case JsonTokenType.String:
                return JsonValue.Create(StringValue(ref reader));
            case JsonTokenType.Number:
                // Kept as raw JSON so the binder decides what fits (a number too large for its field is its error).
                return JsonValue.Create(JsonElement.ParseValue(ref reader));
            case JsonTokenType.True:
                return JsonValue.Create(true);
            case JsonTokenType.False:
                return JsonValue.Create(false);
            case JsonTokenType.Null:
                return null;
            default:
                throw new JsonException($"unexpected {reader.TokenType} at byte {reader.TokenStartIndex}");
        }
    }

    /// <summary>
    /// A string value as Go's decoder reads it: bytes that are not UTF-8 and unpaired surrogate escapes become U+FFFD
    /// rather than failing the request (only property names must decode cleanly).
    /// </summary>
    private static string StringValue(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            var raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
            return reader.ValueIsEscaped ? GoStringDecoding.Unescape(raw) : Encoding.UTF8.GetString(raw);
        }
    }

    private static string Text(ref Utf8JsonReader reader, string what)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // The reader checks structure, not encoding: bad UTF-8 (or a lone surrogate escape) shows when transcoding.
            throw new JsonException($"invalid UTF-8 or unpaired surrogate in a {what} at byte {reader.TokenStartIndex}");
        }
    }
}
