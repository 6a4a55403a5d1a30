using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.ConfigEntries;

/// <summary>
/// Writes JSON built outside <c>ApiJsonContext</c> (config entries, intentions) the way <c>ApiResponse</c> does:
/// compact, or indented with a trailing newline for <c>?pretty</c>.
/// </summary>
public static class JsonResponse
{
    public static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
        => WriteRawAsync(context, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    public static async Task WriteRawAsync(HttpContext context, byte[] json)
    {
        var pretty = context.Request.Query.ContainsKey("pretty");
        if (pretty)
        {
            using var document = JsonDocument.Parse(json);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                document.WriteTo(writer);
            }

            buffer.WriteByte((byte)'\n');
            json = buffer.ToArray();
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        await response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Builds a JSON document with a writer (for shapes assembled from several typed parts).</summary>
    public static byte[] Build(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
