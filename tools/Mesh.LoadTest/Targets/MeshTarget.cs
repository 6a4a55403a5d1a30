using System.Globalization;
using System.Net.Http.Headers;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// The real <c>mesh</c> executable as a child process: one bootstrapped server, Raft log in a temp folder, HTTP API and
/// server port on free loopback ports. Writes are <c>PUT /v1/catalog/register</c>.
/// </summary>
public sealed class MeshTarget : ILoadTarget
{
    public const string NodeName = "load-bench";

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _directory;

    private MeshTarget(ChildProcess process, DirectoryInfo directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
        Probe = new ProcessProbe(process.Id);
    }

    public string Name => "mesh";

    public Uri BaseAddress { get; }

    public ProcessProbe Probe { get; }

    /// <summary>Starts <paramref name="meshBinary"/> (the apphost, or <c>mesh.dll</c> run through <c>dotnet</c>).</summary>
    public static async Task<MeshTarget> StartAsync(string meshBinary, CancellationToken cancellationToken, IReadOnlyList<string>? extraArguments = null)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-load-");
        var httpPort = FreePort.Next();
        var ports = new[] { "-http-port", Port(httpPort), "-grpc-port", Port(FreePort.Next()), "-server-port", Port(FreePort.Next()) };
        string[] agent =
        [
            "agent", "-server", "-bootstrap", "-node", NodeName, "-bind", "127.0.0.1", "-client", "127.0.0.1",
            "-data-dir", Path.Combine(directory.FullName, "data"), "-log-level", "warn", .. ports, .. extraArguments ?? [],
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

        var baseAddress = new Uri($"http://127.0.0.1:{httpPort}");
        var target = new MeshTarget(process, directory, baseAddress);
        try
        {
            // Ready once the server's own node has its serfHealth check: Raft elected itself and applied a write.
            await Readiness.WaitAsync(process, new Uri(baseAddress, $"/v1/health/node/{NodeName}"), body => body.Contains("serfHealth", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return target;
        }
        catch
        {
            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public HttpRequestMessage CreateWrite(int client, long sequence) => new(HttpMethod.Put, "/v1/catalog/register")
    {
        Content = Json(WritePayload.RegistrationJson(client, sequence)),
    };

    internal static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _directory.Delete(recursive: true);
    }
}
