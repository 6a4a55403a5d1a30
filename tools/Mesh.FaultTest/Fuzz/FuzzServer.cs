using System.Globalization;
using Mesh.FaultTest.Cluster;

namespace Mesh.FaultTest.Fuzz;

/// <summary>One bootstrapped <c>mesh</c> server process on free loopback ports for the fuzzer; removed on dispose.</summary>
public sealed class FuzzServer : IAsyncDisposable
{
    private readonly ServerProcess _process;
    private readonly string _directory;

    private FuzzServer(ServerProcess process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public Uri HttpAddress => _process.HttpAddress;

    public static async Task<FuzzServer> StartAsync(string meshDll, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-fuzz-").FullName;
        var http = FreePort.Next();
        var serverPort = FreePort.Next();
        string[] args =
        [
            "agent", "-server", "-bootstrap", "-node=fuzz", $"-data-dir={Path.Combine(directory, "data")}", "-bind=127.0.0.1", "-client=127.0.0.1",
            $"-http-port={http.ToString(CultureInfo.InvariantCulture)}", $"-grpc-port={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            $"-server-port={serverPort.ToString(CultureInfo.InvariantCulture)}", "-log-level=warn",
        ];
        var process = new ServerProcess(0, "fuzz", ["dotnet", meshDll], args, new Uri($"http://127.0.0.1:{http.ToString(CultureInfo.InvariantCulture)}"),
            $"127.0.0.1:{serverPort.ToString(CultureInfo.InvariantCulture)}", Path.Combine(directory, "data"), Path.Combine(directory, "server.log"));
        var server = new FuzzServer(process, directory);
        process.Start();
        var ready = await FaultCluster.WaitUntilAsync(async () =>
        {
            try
            {
                return (await process.Http.GetStringAsync("/v1/connect/ca/roots", cancellationToken).ConfigureAwait(false)).Contains("RootCert", StringComparison.Ordinal);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
        if (!ready)
        {
            var tail = process.Tail();
            await server.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException("the fuzz server did not become ready:\n" + tail);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
