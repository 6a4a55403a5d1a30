using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mesh.Api.Contracts;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Json;

/// <summary>Source-generated JSON for the Connect CA endpoints, with the same options as <see cref="ApiJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(CaRootsView))]
[JsonSerializable(typeof(CaConfigurationView))]
[JsonSerializable(typeof(CaConfigurationBody))]
[JsonSerializable(typeof(IssuedCertView))]
public sealed partial class CaJsonContext : JsonSerializerContext
{
    private static readonly Lazy<CaJsonContext> LazyPretty = new(() => new CaJsonContext(new JsonSerializerOptions(Default!.Options!) { WriteIndented = true }));

    /// <summary>Writes a CA view as JSON (indented with <c>?pretty</c>, which <see cref="Http.ApiResponse"/> resolves from its own context only).</summary>
    public static async Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo)
    {
        var pretty = context.Request.Query.ContainsKey("pretty");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var info = pretty ? (JsonTypeInfo<T>)LazyPretty.Value.GetTypeInfo(typeof(T))! : typeInfo;
        await JsonSerializer.SerializeAsync(context.Response.Body, value, info, context.RequestAborted).ConfigureAwait(false);
        if (pretty)
        {
            await context.Response.WriteAsync("\n", context.RequestAborted).ConfigureAwait(false);
        }
    }
}
