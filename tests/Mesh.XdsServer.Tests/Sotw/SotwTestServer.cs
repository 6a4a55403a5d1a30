using System.Text.Json;
using Mesh.Testing;

namespace Mesh.XdsServer.Tests.Sotw;

/// <summary>A real Mesh server (<see cref="TestServer"/>) and what SotW tests do with it: catalog writes over HTTP and ADS streams.</summary>
internal sealed class SotwTestServer : IAsyncDisposable
{
    private SotwTestServer(TestServer server) => Server = server;

    public TestServer Server { get; }

    /// <summary>The server's own gRPC port (free-port-picked by TestServer), where it serves ADS.</summary>
    public int GrpcPort => Server.Server.Config.GrpcPort;

    /// <summary>The server's xDS context (stream counts and metrics).</summary>
    public XdsServerContext Xds => Server.Server.Xds ?? throw new InvalidOperationException("the server does not serve xDS");

    public Uri HttpAddress => Server.Server.HttpAddress;

    public static async Task<SotwTestServer> StartAsync(Func<Mesh.Agent.Hosting.AgentConfig, Mesh.Agent.Hosting.AgentConfig>? configure = null)
    {
        return new SotwTestServer(await TestServer.StartAsync(configure));
    }

    public AdsTestStream Open(string nodeId, string? service = null, string? token = null) => AdsTestStream.Open(GrpcPort, nodeId, service, token);

    public Task RegisterAsync(string id, string service, int port, string node = "apps", string address = "127.0.0.1", string? status = null)
    {
        var check = status is null ? string.Empty : $$""","Check":{"CheckID":"check-{{id}}","Name":"check","Status":"{{status}}","ServiceID":"{{id}}"}""";
        return PutAsync("/v1/catalog/register",
            $$"""{"Node":"{{node}}","Address":"{{address}}","Service":{"ID":"{{id}}","Service":"{{service}}","Address":"{{address}}","Port":{{port}}}{{check}}}""");
    }

    public Task DeregisterAsync(string id, string node = "apps")
        => PutAsync("/v1/catalog/deregister", $$"""{"Node":"{{node}}","ServiceID":"{{id}}"}""");

    public async Task PutAsync(string path, string json)
    {
        using var response = await Server.PutJsonAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT {path} returned {(int)response.StatusCode}: {body}");
    }

    public async Task DeleteAsync(string path)
    {
        using var response = await Server.Http.DeleteAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"DELETE {path} returned {(int)response.StatusCode}");
    }

    public Task<JsonElement> GetJsonAsync(string path) => Server.GetJsonAsync(path);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
