using System.Globalization;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Tls;

/// <summary>One bootstrapped mesh server process with HTTP and HTTPS on free loopback ports, configured by a JSON file.</summary>
public sealed class TlsMeshServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private TlsMeshServer(ChildProcess process, Uri http, Uri https)
    {
        _process = process;
        Http = http;
        Https = https;
        Probe = new ProcessProbe(process.Id);
    }

    public Uri Http { get; }

    public Uri Https { get; }

    public ProcessProbe Probe { get; }

    public static async Task<TlsMeshServer> StartAsync(string meshBinary, TlsFiles files, bool verifyIncoming, string folder, CancellationToken cancellationToken)
    {
        var http = FreePort.Next();
        var https = FreePort.Next();
        var data = Directory.CreateTempSubdirectory("mesh-tls-bench-data-");
        var config = Path.Combine(folder, $"agent-{(verifyIncoming ? "mtls" : "tls")}.json");
        await File.WriteAllTextAsync(config, $$$"""
            {"tls": {"defaults": {"ca_file": "{{{files.CaFile}}}", "cert_file": "{{{files.ServerCert}}}", "key_file": "{{{files.ServerKey}}}"},
                     "https": {"verify_incoming": {{{(verifyIncoming ? "true" : "false")}}}}},
             "ports": {"http": {{{Port(http)}}}, "https": {{{Port(https)}}}, "grpc": -1, "server": {{{Port(FreePort.Next())}}}}}
            """, cancellationToken).ConfigureAwait(false);
        string[] agent = ["agent", "-server", "-bootstrap", "-node", "tls-bench", "-data-dir", data.FullName, "-log-level", "warn", "-config-file", config];
        var process = ChildProcess.StartMesh(meshBinary, agent, Path.Combine(folder, $"mesh-{Port(https)}.log"));
        var server = new TlsMeshServer(process, new Uri($"http://127.0.0.1:{Port(http)}"), new Uri($"https://127.0.0.1:{Port(https)}"));
        try
        {
            await Readiness.WaitAsync(process, new Uri(server.Http, "/v1/health/node/tls-bench"), body => body.Contains("serfHealth", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
