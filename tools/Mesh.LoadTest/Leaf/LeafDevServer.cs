using System.Globalization;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Leaf;

/// <summary>One <c>mesh agent -dev</c> process on free loopback ports, ready once its CA has an active root.</summary>
public sealed class LeafDevServer : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly DirectoryInfo _directory;

    private LeafDevServer(ChildProcess process, DirectoryInfo directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
        Probe = new ProcessProbe(process.Id);
    }

    public Uri BaseAddress { get; }

    public ProcessProbe Probe { get; }

    public static async Task<LeafDevServer> StartAsync(string meshBinary, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-leaf-bench-");
        var httpPort = FreePort.Next();
        string[] agent =
        [
            "agent", "-dev", "-node", "leaf-bench", "-data-dir", Path.Combine(directory.FullName, "data"), "-log-level", "warn",
            "-http-port", Port(httpPort), "-grpc-port", Port(FreePort.Next()), "-server-port", Port(FreePort.Next()),
        ];
        ChildProcess process;
        try
        {
            process = ChildProcess.StartMesh(meshBinary, agent, Path.Combine(directory.FullName, "mesh.log"));
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }

        var server = new LeafDevServer(process, directory, new Uri($"http://127.0.0.1:{Port(httpPort)}"));
        try
        {
            await Readiness.WaitAsync(process, new Uri(server.BaseAddress, "/v1/connect/ca/roots"), body => body.Contains("RootCert", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _directory.Delete(recursive: true);
    }
}
