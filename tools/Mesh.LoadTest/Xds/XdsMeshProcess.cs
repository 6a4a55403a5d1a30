using System.Globalization;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Xds;

/// <summary>
/// The real <c>mesh</c> executable as one bootstrapped server on free loopback ports, with its xDS settings
/// (<c>xds.coalesce_delay</c>, <c>xds.max_streams</c>) in a config file; killed and its folder deleted on dispose.
/// </summary>
public sealed class XdsMeshProcess : IAsyncDisposable
{
    public const string NodeName = "xds-bench";

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _directory;

    private XdsMeshProcess(ChildProcess process, DirectoryInfo directory, Uri httpAddress, int grpcPort)
    {
        _process = process;
        _directory = directory;
        HttpAddress = httpAddress;
        GrpcPort = grpcPort;
        Probe = new ProcessProbe(process.Id);
    }

    public Uri HttpAddress { get; }

    public int GrpcPort { get; }

    public ProcessProbe Probe { get; }

    public static async Task<XdsMeshProcess> StartAsync(string meshBinary, TimeSpan coalesce, int maxStreams, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-xds-");
        var httpPort = FreePort.Next();
        var grpcPort = FreePort.Next();
        var configFile = Path.Combine(directory.FullName, "xds.json");
        await File.WriteAllTextAsync(configFile, $$$"""
            {"xds": {"coalesce_delay": "{{{Int(coalesce.TotalMilliseconds)}}}ms", "max_streams": {{{Int(maxStreams)}}} } }
            """, cancellationToken).ConfigureAwait(false);
        string[] agent =
        [
            "agent", "-server", "-bootstrap", "-node", NodeName, "-bind", "127.0.0.1", "-client", "127.0.0.1",
            "-data-dir", Path.Combine(directory.FullName, "data"), "-log-level", "warn", "-config-file", configFile,
            "-http-port", Int(httpPort), "-grpc-port", Int(grpcPort), "-server-port", Int(FreePort.Next()),
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

        var mesh = new XdsMeshProcess(process, directory, new Uri($"http://127.0.0.1:{Int(httpPort)}"), grpcPort);
        try
        {
            // Ready once the server's node has its serfHealth check and the CA has roots (leaf signing works).
            await Readiness.WaitAsync(process, new Uri(mesh.HttpAddress, $"/v1/health/node/{NodeName}"), body => body.Contains("serfHealth", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            await Readiness.WaitAsync(process, new Uri(mesh.HttpAddress, "/v1/connect/ca/roots"), body => body.Contains("RootCert", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return mesh;
        }
        catch
        {
            await mesh.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public string Tail() => _process.Tail();

    private static string Int(double value) => value.ToString("F0", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _directory.Delete(recursive: true);
    }
}
