using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Mesh.Api.Json;
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

        var node = ParseObject(bytes, "Request decode failed");
        try
        {
            return SnakeCaseAliases.Normalize(node, typeInfo).Deserialize(typeInfo);
        }
        catch (JsonException error)
        {
            throw ApiException.BadRequest($"Request decode failed: {error.Message}");
        }
        catch (Exception error) when (error is NotSupportedException or FormatException or OverflowException or InvalidOperationException)
        {
            // Converters report values they cannot bind (a number too large for its field, text where a
            // type is expected) with these; at this edge they describe the input, not a server fault.
            throw ApiException.BadRequest($"Request decode failed: {error.Message}");
        }
    }

    /// <summary>
    /// Reads the whole body as one JSON object with Consul's decoding rules (duplicate keys: last wins); null when the
    /// body is empty. Every malformed body is a 400 whose message starts with <paramref name="prefix"/>.
    /// </summary>
    public static async Task<JsonObject?> ReadJsonObjectAsync(HttpContext context, string prefix = "Request decode failed", int limit = DefaultLimit)
    {
        var bytes = await ReadBytesAsync(context, limit).ConfigureAwait(false);
        return bytes.AsSpan().Trim(" \t\r\n"u8).IsEmpty ? null : ParseObject(bytes, prefix);
    }

    private static JsonObject ParseObject(byte[] bytes, string prefix)
    {
        JsonNode? node;
        try
        {
            node = JsonBodyParser.Parse(bytes);
        }
        catch (JsonException error)
        {
            throw ApiException.BadRequest($"{prefix}: {error.Message}");
        }

        return node as JsonObject
               ?? throw ApiException.BadRequest($"{prefix}: expected a JSON object, got {node?.GetValueKind().ToString() ?? "null"}");
    }

    public static async Task<byte[]> ReadBytesAsync(HttpContext context, int limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit)
        {
            throw new ApiException(413, $"Request body too large: {request.ContentLength} bytes, the limit is {limit}");
        }

        // Kestrel knows the length of every body that is not chunked: read it straight into an array of that size.
        // A 16 KiB read buffer plus a growing MemoryStream and its copy per request were half of everything the server
        // that took a write allocated for it (Mesh.LoadTest write-cost).
        if (request.ContentLength is { } length)
        {
            var exact = new byte[length];
            var filled = await request.Body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
            return filled == exact.Length ? exact : exact.AsSpan(0, filled).ToArray();
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new ApiException(413, $"Request body too large: the limit is {limit} bytes");
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }
}
