using System.Text.Json;
using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.Ui.Tests.Browser;

/// <summary>Real servers with the UI on, and the API calls the scenarios make beside the browser.</summary>
internal static class UiServers
{
    public static Task<TestServer> StartAsync(Func<AgentConfig, AgentConfig>? configure = null, string? dataDir = null)
        => TestServer.StartAsync(config => (configure?.Invoke(config) ?? config) with { UiEnabled = true }, dataDir);

    public static Uri Ui(this TestServer server, string hash = "#/services") => new(server.Server.HttpAddress, "/ui/" + hash);

    public static async Task PutOkAsync(this TestServer server, string path, string json, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Add("X-Consul-Token", token);
        }

        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {body}");
    }

    /// <summary>A PUT that must succeed; returns the JSON it answered.</summary>
    public static async Task<JsonElement> PutJsonAsync(this TestServer server, string path, string json, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Add("X-Consul-Token", token);
        }

        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task RegisterAsync(this TestServer server, string name, string id, int port, string check = "", string? token = null, string tags = "[]")
        => server.PutOkAsync("/v1/agent/service/register",
            $$"""{"Name":"{{name}}","ID":"{{id}}","Port":{{port}},"Tags":{{tags}}{{(check.Length > 0 ? "," + check : string.Empty)}}}""", token);

    /// <summary>Whether <c>/v1/agent/connect/authorize</c> lets <paramref name="source"/> connect to <paramref name="target"/>.</summary>
    public static async Task<bool> AuthorizedAsync(this TestServer server, string source, string target)
    {
        var roots = await server.GetJsonAsync("/v1/connect/ca/roots");
        var uri = $"spiffe://{roots.GetProperty("TrustDomain").GetString()}/ns/default/dc/dc1/svc/{source}";
        using var response = await server.Http.PostAsync("/v1/agent/connect/authorize",
            new StringContent(JsonSerializer.Serialize(new { Target = target, ClientCertURI = uri })));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("Authorized").GetBoolean();
    }
}
