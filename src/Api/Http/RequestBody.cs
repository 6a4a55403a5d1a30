using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Mesh.Config.Json;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>Reads a size-limited JSON body, accepting Consul's snake_case aliases; every failure is a 4xx with a message.</summary>
public static class RequestBody
{
    /// <summary>Default cap on API request bodies (Consul caps KV values and transactions at 512 KiB).</summary>
    public const int DefaultLimit = 512 * 1024;

    public static async Task<T> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, int limit = DefaultLimit)
        where T : class
        => await ReadOptionalJsonAsync(context, typeInfo, limit).ConfigureAwait(false)
           ?? throw ApiException.BadRequest("Request body is empty: a JSON object is required");

    public static async Task<T?> ReadOptionalJsonAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, int limit = DefaultLimit)
        where T : class
    {
        var bytes = await ReadBytesAsync(context, limit).ConfigureAwait(false);
        if (bytes.Length == 0 || bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return null;
        }

        try
        {
            var node = JsonNode.Parse(bytes, new JsonNodeOptions { PropertyNameCaseInsensitive = false }, new JsonDocumentOptions { MaxDepth = 64 });
            if (node is not JsonObject)
            {
                throw ApiException.BadRequest($"Request decode failed: expected a JSON object, got {node?.GetValueKind().ToString() ?? "null"}");
            }

            return SnakeCaseAliases.Normalize(node, typeInfo).Deserialize(typeInfo);
        }
        catch (JsonException error)
        {
            throw ApiException.BadRequest($"Request decode failed: {error.Message}");
        }
    }

    public static async Task<byte[]> ReadBytesAsync(HttpContext context, int limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            throw new ApiException(413, $"Request body too large: {request.ContentLength} bytes, the limit is {limit}");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new ApiException(413, $"Request body too large: the limit is {limit} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
