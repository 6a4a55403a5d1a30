using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mesh.Api.Json;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>Writes JSON the way Consul does: compact unless <c>?pretty</c>, UTF-8, <c>application/json</c>.</summary>
public static class ApiResponse
{
    public static async Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo, int statusCode = 200)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        var info = context.Request.Query.ContainsKey("pretty")
            ? (JsonTypeInfo<T>)ApiJsonContext.Pretty.GetTypeInfo(typeof(T))!
            : typeInfo;
        await JsonSerializer.SerializeAsync(response.Body, value, info, context.RequestAborted).ConfigureAwait(false);
        if (context.Request.Query.ContainsKey("pretty"))
        {
            await response.WriteAsync("\n", context.RequestAborted).ConfigureAwait(false);
        }
    }

    public static Task WriteTrueAsync(HttpContext context) => WriteJsonAsync(context, true, ApiJsonContext.Default.Boolean);

    public static Task WriteTextAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }
}
