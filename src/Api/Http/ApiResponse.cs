using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mesh.Api.Json;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>
/// Writes JSON the way Consul does: compact unless <c>?pretty</c>, UTF-8, <c>application/json</c>. Works with the type
/// info of any source-generated context: the indented variant of its options is made once per context.
/// </summary>
public static class ApiResponse
{
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Indented = new();

    public static async Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo, int statusCode = 200)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        var info = context.Request.Query.ContainsKey("pretty")
            ? (JsonTypeInfo<T>)Indented.GetValue(typeInfo.Options, static options => new JsonSerializerOptions(options) { WriteIndented = true }).GetTypeInfo(typeof(T))
            : typeInfo;
        await JsonSerializer.SerializeAsync(response.Body, value, info, context.RequestAborted).ConfigureAwait(false);
        if (context.Request.Query.ContainsKey("pretty"))
        {
            await response.WriteAsync("\n", context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Writes JSON that was built as bytes (documents assembled from several typed parts), indenting it for <c>?pretty</c>.</summary>
    public static async Task WriteRawJsonAsync(HttpContext context, byte[] json)
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

    public static Task WriteTrueAsync(HttpContext context) => WriteJsonAsync(context, true, ApiJsonContext.Default.Boolean);

    public static Task WriteTextAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }
}
