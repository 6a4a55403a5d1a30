using System.Globalization;
using System.Text;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// A one-member etcd (Debian's <c>etcd-server</c>) as a child process, data in a temp folder, client and peer URLs on
/// free loopback ports. Writes go through its JSON gateway, <c>POST /v3/kv/put</c>, storing the same registration
/// document Mesh is sent.
/// </summary>
public sealed class EtcdTarget : ILoadTarget
{
    private readonly ChildProcess _process;
    private readonly DirectoryInfo _directory;

    private EtcdTarget(ChildProcess process, DirectoryInfo directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
        Probe = new ProcessProbe(process.Id);
    }

    public string Name => "etcd";

    public Uri BaseAddress { get; }

    public ProcessProbe Probe { get; }

    public static async Task<EtcdTarget> StartAsync(string etcdBinary, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("etcd-load-");
        var client = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}";
        var peer = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}";
        string[] arguments =
        [
            "--name", "load", "--data-dir", Path.Combine(directory.FullName, "data"),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", $"load={peer}", "--initial-cluster-state", "new", "--initial-cluster-token", "mesh-load",
            "--logger", "zap", "--log-level", "warn",
        ];
        ChildProcess process;
        try
        {
            process = ChildProcess.Start(etcdBinary, arguments, Path.Combine(directory.FullName, "etcd.log"));
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }

        var baseAddress = new Uri(client);
        var target = new EtcdTarget(process, directory, baseAddress);
        try
        {
            await Readiness.WaitAsync(process, new Uri(baseAddress, "/health"), body => body.Contains("\"true\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            return target;
        }
        catch
        {
            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public HttpRequestMessage CreateWrite(int client, long sequence)
    {
        var key = Convert.ToBase64String(Encoding.UTF8.GetBytes("load/" + WritePayload.InstanceKey(client, sequence)));
        var value = Convert.ToBase64String(WritePayload.RegistrationJson(client, sequence));
        return new HttpRequestMessage(HttpMethod.Post, "/v3/kv/put")
        {
            Content = MeshTarget.Json(Encoding.UTF8.GetBytes($$"""{"key":"{{key}}","value":"{{value}}"}""")),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _directory.Delete(recursive: true);
    }
}
