using System.Net;
using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Connect.Tests.Support;

/// <summary>HTTP API calls the tests make against a test server.</summary>
public static class MeshApi
{
    public static async Task PutOkAsync(this TestServer server, string path, string json)
    {
        using var response = await server.PutJsonAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT {path}: {(int)response.StatusCode} {body}");
    }

    public static Task DenyAsync(this TestServer server, string source, string destination)
        => server.PutOkAsync($"/v1/connect/intentions/exact?source={source}&destination={destination}", """{"Action":"deny"}""");

    public static Task AllowAsync(this TestServer server, string source, string destination)
        => server.PutOkAsync($"/v1/connect/intentions/exact?source={source}&destination={destination}", """{"Action":"allow"}""");

    public static async Task DeleteIntentionAsync(this TestServer server, string source, string destination)
    {
        using var response = await server.Http.DeleteAsync($"/v1/connect/intentions/exact?source={source}&destination={destination}");
        Assert.True(response.IsSuccessStatusCode, $"DELETE intention: {(int)response.StatusCode}");
    }

    public static async Task WaitHealthyConnectAsync(this TestServer server, string service, int count = 1, int seconds = 60)
        => await Wire.EventuallyAsync(async () => (await server.GetJsonAsync($"/v1/health/connect/{service}?passing")).GetArrayLength() >= count,
            TimeSpan.FromSeconds(seconds), $"{count} healthy connect instance(s) of {service}");

    public static async Task<string> TrustDomainAsync(this TestServer server)
        => (await server.GetJsonAsync("/v1/connect/ca/roots")).GetProperty("TrustDomain").GetString()!;

    public static async Task<JsonElement> ActiveRootAsync(this TestServer server)
    {
        var roots = await server.GetJsonAsync("/v1/connect/ca/roots");
        var active = roots.GetProperty("ActiveRootID").GetString();
        return roots.GetProperty("Roots").EnumerateArray().Single(r => r.GetProperty("ID").GetString() == active);
    }

    public static ConnectServiceOptions ConnectOptions(this TestServer server)
        => new() { Api = new ConnectApiOptions { Address = server.Server.HttpAddress, BlockingWait = TimeSpan.FromSeconds(30) } };
}
