using System.Net;
using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Ca.Tests.Support;

/// <summary>A leaf as the API returned it, with the response's X-Consul-Index.</summary>
public sealed record LeafResponse(JsonElement Json, long Index)
{
    public string CertPem => Json.GetProperty("CertPEM").GetString()!;

    public string PrivateKeyPem => Json.GetProperty("PrivateKeyPEM").GetString()!;

    public string SerialNumber => Json.GetProperty(nameof(SerialNumber)).GetString()!;

    public long ModifyIndex => Json.GetProperty(nameof(ModifyIndex)).GetInt64();
}

/// <summary>Calls to the CA endpoints of a test server.</summary>
public static class CaApi
{
    public static Task<JsonElement> RootsAsync(this TestServer server) => server.GetJsonAsync("/v1/connect/ca/roots");

    public static async Task<IReadOnlyList<string>> RootCertsAsync(this TestServer server)
        => [.. (await server.RootsAsync()).GetProperty("Roots").EnumerateArray().Select(r => r.GetProperty("RootCert").GetString()!)];

    public static async Task<JsonElement> ActiveRootAsync(this TestServer server)
    {
        var roots = await server.RootsAsync();
        var active = roots.GetProperty("ActiveRootID").GetString();
        return roots.GetProperty("Roots").EnumerateArray().Single(r => r.GetProperty("ID").GetString() == active);
    }

    public static async Task<LeafResponse> LeafAsync(this TestServer server, string service, string query = "")
    {
        using var response = await server.Http.GetAsync($"/v1/agent/connect/ca/leaf/{service}{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"leaf {service}: {(int)response.StatusCode} {body}");
        var index = long.Parse(response.Headers.GetValues("X-Consul-Index").Single());
        return new LeafResponse(JsonDocument.Parse(body).RootElement.Clone(), index);
    }

    public static async Task<(HttpStatusCode Status, string Body)> PutConfigurationAsync(this TestServer server, string json)
    {
        using var response = await server.PutJsonAsync("/v1/connect/ca/configuration", json);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task PutConfigurationOkAsync(this TestServer server, string json)
    {
        var (status, body) = await server.PutConfigurationAsync(json);
        Assert.True(status == HttpStatusCode.OK, $"PUT configuration: {(int)status} {body}");
    }
}
