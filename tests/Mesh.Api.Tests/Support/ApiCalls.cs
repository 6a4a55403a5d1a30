using System.Text;
using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Api.Tests.Support;

/// <summary>Short HTTP calls against a test server, each returning an <see cref="ApiResult"/>.</summary>
public static class ApiCalls
{
    public static async Task<ApiResult> SendAsync(
        this TestServer server, HttpMethod method, string path, string? body = null,
        Action<HttpRequestMessage>? configure = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        using var response = await server.Http.SendAsync(request, cancellationToken);
        return await ApiResult.ReadAsync(response);
    }

    public static Task<ApiResult> GetAsync(this TestServer server, string path, CancellationToken cancellationToken = default)
        => server.SendAsync(HttpMethod.Get, path, cancellationToken: cancellationToken);

    public static Task<ApiResult> PutAsync(this TestServer server, string path, string? body = null)
        => server.SendAsync(HttpMethod.Put, path, body);

    /// <summary>PUTs and asserts a 200.</summary>
    public static async Task<ApiResult> PutOkAsync(this TestServer server, string path, string? body = null)
        => (await server.PutAsync(path, body)).ExpectOk();

    /// <summary>GETs, asserts a 200 and returns the parsed body.</summary>
    public static async Task<JsonElement> GetOkJsonAsync(this TestServer server, string path)
        => (await server.GetAsync(path)).ExpectOk().Json;

    /// <summary>Registers one service instance on a node through the catalog.</summary>
    public static Task<ApiResult> RegisterCatalogServiceAsync(
        this TestServer server, string node, string service, string? id = null, int port = 8080, string[]? tags = null,
        string address = "127.0.0.2", string extraServiceJson = "", string extraNodeJson = "")
    {
        var body = $$$"""
            {"Node":"{{{node}}}","Address":"{{{address}}}"{{{extraNodeJson}}},
             "Service":{"ID":"{{{id ?? service}}}","Service":"{{{service}}}","Port":{{{port}}},"Tags":{{{JsonSerializer.Serialize(tags ?? [])}}}{{{extraServiceJson}}}}}
            """;
        return server.PutOkAsync("/v1/catalog/register", body);
    }

    /// <summary>
    /// Puts a check with no TTL and nothing to run on the server's own node (through the catalog, as an external
    /// monitor would): the agent's TTL endpoints must refuse it, and no check loop ever changes it.
    /// </summary>
    public static Task<ApiResult> RegisterExternalCheckAsync(this TestServer server, string checkId)
        => server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{server.NodeName}}}","SkipNodeUpdate":true,"Check":{"CheckID":"{{{checkId}}}","Name":"external","Status":"passing"}}
            """);

    public static IEnumerable<string> Strings(this JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!);

    public static IEnumerable<string> Names(this JsonElement obj) => obj.EnumerateObject().Select(p => p.Name);
}
