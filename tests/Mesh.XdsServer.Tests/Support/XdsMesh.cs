using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.XdsServer.Tests.Support;

/// <summary>
/// A real server whose gRPC port serves xDS, with the catalog writes the delta tests need: <c>web</c>'s sidecar with an
/// upstream <c>db</c>, db instances with their sidecars, intentions. proxycfg's coalesce delay is short so tests are quick.
/// </summary>
internal sealed class XdsMesh : IAsyncDisposable
{
    public const string WebNode = "node-web";
    public const string WebProxy = "web-sidecar-proxy";

    private XdsMesh(TestServer server) => Server = server;

    public TestServer Server { get; }

    public int GrpcPort => Server.Server.Config.GrpcPort;

    public XdsServerContext Xds => Server.Server.Xds ?? throw new InvalidOperationException("xDS is disabled");

    public static AgentConfig Fast(AgentConfig config) => config with { XdsCoalesceDelay = TimeSpan.FromMilliseconds(20) };

    public static async Task<XdsMesh> StartAsync(Func<AgentConfig, AgentConfig>? configure = null)
        => new(await TestServer.StartAsync(config => Fast(configure?.Invoke(config) ?? config)));

    /// <summary>A server with db (one instance) and web's sidecar registered.</summary>
    public static async Task<XdsMesh> StartWithWebAndDbAsync(Func<AgentConfig, AgentConfig>? configure = null)
    {
        var mesh = await StartAsync(configure);
        await mesh.RegisterDbAsync(1);
        await mesh.RegisterWebSidecarAsync();
        return mesh;
    }

    public DeltaAdsClient OpenWeb(string? token = null) => DeltaAdsClient.Open(GrpcPort, WebProxy, WebNode, token);

    public Task RegisterAsync(string json) => RegisterAsync(Server, json);

    public static async Task RegisterAsync(TestServer server, string json)
    {
        using var response = await server.PutJsonAsync("/v1/catalog/register", json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>db instance <paramref name="n"/> on its own node, with a passing sidecar.</summary>
    public Task RegisterDbAsync(int n) => RegisterDbAsync(Server, n);

    public static async Task RegisterDbAsync(TestServer server, int n)
    {
        var node = $"node-db-{n}";
        var address = $"127.0.0.{20 + n}";
        await RegisterAsync(server, $$$"""{"Node":"{{{node}}}","Address":"{{{address}}}","Service":{"ID":"db","Service":"db","Port":5432}}""");
        await RegisterAsync(server, $$$"""
            {"Node":"{{{node}}}","Address":"{{{address}}}","Service":{"Kind":"connect-proxy","ID":"db-sidecar-proxy","Service":"db-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"db","DestinationServiceID":"db"}},
             "Checks":[{"CheckID":"db-proxy-alive","Name":"alive","Status":"passing","ServiceID":"db-sidecar-proxy"}]}
            """);
    }

    /// <summary>web's sidecar on <see cref="WebNode"/>, with an upstream to db unless <paramref name="withDb"/> is false.</summary>
    public Task RegisterWebSidecarAsync(bool withDb = true) => RegisterWebSidecarAsync(Server, withDb);

    public static Task RegisterWebSidecarAsync(TestServer server, bool withDb = true)
    {
        var upstreams = withDb ? """[{"DestinationName":"db","LocalBindPort":9191}]""" : "[]";
        return RegisterAsync(server, $$$"""
            {"Node":"{{{WebNode}}}","Address":"127.0.0.10","Service":{"Kind":"connect-proxy","ID":"{{{WebProxy}}}","Service":"web-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web","LocalServicePort":8080,"Upstreams":{{{upstreams}}}} } }
            """);
    }

    public async Task DeregisterAsync(string node, string serviceId)
    {
        using var response = await Server.PutJsonAsync("/v1/catalog/deregister", $$$"""{"Node":"{{{node}}}","ServiceID":"{{{serviceId}}}"}""");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task WriteConfigAsync(string json)
    {
        using var response = await Server.PutJsonAsync("/v1/config", json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
