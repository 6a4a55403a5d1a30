using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.ProxyCfg.Tests.Support;

/// <summary>A real server with a <see cref="ProxyConfigSource"/> on its own store, leaf cache and identity.</summary>
internal sealed class ProxyCfgServer : IAsyncDisposable
{
    private ProxyCfgServer(TestServer server, ProxyConfigSource source)
    {
        Server = server;
        Source = source;
    }

    public TestServer Server { get; }

    public ProxyConfigSource Source { get; }

    public static async Task<ProxyCfgServer> StartAsync(
        TimeSpan? coalesceDelay = null, double updateMaxPerSecond = 0, Func<Mesh.Agent.Hosting.AgentConfig, Mesh.Agent.Hosting.AgentConfig>? configure = null)
    {
        var server = await TestServer.StartAsync(configure);
        var options = new ProxyCfgOptions { CoalesceDelay = coalesceDelay ?? TimeSpan.FromMilliseconds(50), UpdateMaxPerSecond = updateMaxPerSecond };
        var source = new ProxyConfigSource(server.Server.Fsm, server.Server.Runtime.Ca!.Leaves, server.Server.Runtime.Self, options, NullLoggerFactory.Instance,
            server.Server.Runtime.Access);
        return new ProxyCfgServer(server, source);
    }

    public static CancellationToken Timeout(int seconds = 15) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public async Task RegisterAsync(string json)
    {
        using var response = await Server.PutJsonAsync("/v1/catalog/register", json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A sidecar of <c>web</c> with an upstream to <c>db</c>.</summary>
    public Task<ProxyId> RegisterWebSidecarAsync(string node = "node-web", string id = "web-sidecar-proxy")
        => RegisterWebSidecarCoreAsync(node, id);

    /// <summary>An instance of db and its sidecar on <paramref name="node"/>.</summary>
    public async Task RegisterDbAsync(string node, string address)
    {
        await RegisterDbServiceAsync(node, address);
        await RegisterDbSidecarAsync(node, address);
    }

    /// <summary>The db service alone on the node.</summary>
    public Task RegisterDbServiceAsync(string node, string address)
        => RegisterAsync($$$"""{"Node":"{{{node}}}","Address":"{{{address}}}","Service":{"ID":"db","Service":"db","Port":5432}}""");

    /// <summary>db's sidecar proxy on the node, with a passing check: one write that adds a connect endpoint of db.</summary>
    public async Task RegisterDbSidecarAsync(string node, string address)
    {
        await RegisterAsync($$$"""
            {"Node":"{{{node}}}","Address":"{{{address}}}","Service":{"Kind":"connect-proxy","ID":"db-sidecar-proxy","Service":"db-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"db","DestinationServiceID":"db"}},
             "Checks":[{"CheckID":"db-proxy-alive","Name":"alive","Status":"passing","ServiceID":"db-sidecar-proxy"}]}
            """);
    }

    public async Task DeregisterAsync(string node, string serviceId)
    {
        using var response = await Server.PutJsonAsync("/v1/catalog/deregister", $$$"""{"Node":"{{{node}}}","ServiceID":"{{{serviceId}}}"}""");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits until no build has happened for a few coalesce windows (the source is idle).</summary>
    public async Task WaitForQuietAsync()
    {
        var last = Source.Builds;
        var quiet = 0;
        while (quiet < 3)
        {
            await Task.Delay(Source.Options.CoalesceDelay + TimeSpan.FromMilliseconds(50));
            var now = Source.Builds;
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await Server.DisposeAsync();
    }

    private async Task<ProxyId> RegisterWebSidecarCoreAsync(string node, string id)
    {
        await RegisterAsync($$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.10","Service":{"Kind":"connect-proxy","ID":"{{{id}}}","Service":"web-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web","Upstreams":[{"DestinationName":"db","LocalBindPort":9191}]} } }
            """);
        return new ProxyId(node, id);
    }
}
