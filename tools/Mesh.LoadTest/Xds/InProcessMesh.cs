using Mesh.Agent.Hosting;
using Mesh.LoadTest.Targets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.LoadTest.Xds;

/// <summary>
/// A real Mesh server started inside this process on free loopback ports, its Raft log in a temp folder, so proxycfg
/// can be driven on its own store and leaf cache. Its own xDS port is off: the benchmark makes its own proxycfg.
/// </summary>
public sealed class InProcessMesh : IAsyncDisposable
{
    private readonly DirectoryInfo _directory;

    private InProcessMesh(MeshServer server, DirectoryInfo directory)
    {
        Server = server;
        _directory = directory;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 })
        {
            BaseAddress = server.HttpAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public MeshServer Server { get; }

    public HttpClient Http { get; }

    public static async Task<InProcessMesh> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-fanout-");
        var config = new AgentConfig
        {
            Server = true,
            Bootstrap = true,
            NodeName = "fanout-bench",
            DataDir = Path.Combine(directory.FullName, "data"),
            HttpPort = FreePort.Next(),
            GrpcPort = -1,
            ServerPort = FreePort.Next(),
            LogLevel = "warn",
        };
        MeshServer server;
        try
        {
            server = await MeshServer.StartAsync(config, NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }

        var mesh = new InProcessMesh(server, directory);
        try
        {
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return mesh;
        }
        catch
        {
            await mesh.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync().ConfigureAwait(false);
        _directory.Delete(recursive: true);
    }
}
