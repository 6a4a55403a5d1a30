using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Agent.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Testing;

/// <summary>
/// A real Mesh server on free loopback ports with its Raft log in a temp folder, plus an <see cref="HttpClient"/> for its
/// HTTP API. No part of the server is replaced.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly TempDirectory? _ownedDirectory;

    private TestServer(MeshServer server, TempDirectory? ownedDirectory)
    {
        Server = server;
        _ownedDirectory = ownedDirectory;
        Http = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public MeshServer Server { get; }

    public HttpClient Http { get; }

    public string NodeName => Server.Runtime.Self.NodeName;

    public string? DataDir => Server.Config.DataDir;

    /// <summary>Starts a single bootstrapped server and waits until its own node is registered.</summary>
    public static async Task<TestServer> StartAsync(Func<AgentConfig, AgentConfig>? configure = null, string? dataDir = null, ILoggerFactory? loggerFactory = null)
    {
        var owned = dataDir is null ? new TempDirectory() : null;
        var config = new AgentConfig
        {
            Server = true,
            Bootstrap = true,
            NodeName = "node-" + Guid.NewGuid().ToString("N")[..8],
            DataDir = dataDir ?? owned!.Path,
            HttpPort = FreePort.Next(),
            GrpcPort = FreePort.Next(),
            ServerPort = FreePort.Next(),
        };
        config = configure?.Invoke(config) ?? config;
        var server = await MeshServer.StartAsync(config, loggerFactory ?? NullLoggerFactory.Instance, CancellationToken.None);
        var test = new TestServer(server, owned);
        await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return test;
    }

    /// <summary>Starts a server with exactly this configuration and does not wait for it to join a cluster.</summary>
    public static async Task<TestServer> StartUnreadyAsync(AgentConfig config, ILoggerFactory loggerFactory)
    {
        var server = await MeshServer.StartAsync(config, loggerFactory, CancellationToken.None);
        return new TestServer(server, ownedDirectory: null);
    }

    public Task<HttpResponseMessage> PutJsonAsync(string path, string json)
        => Http.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} returned {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public string Digest() => Mesh.Fsm.State.StoreSnapshotCodec.Digest(Server.Fsm.Current);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}
