using System.Globalization;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// One server of a loopback cluster: its command line, its HTTP address and its data folder, so that it can be killed
/// (SIGKILL, as a crash) and started again from the same data. Each start logs to a new file in the folder.
/// </summary>
public sealed class ClusterMember : IAsyncDisposable
{
    private readonly string _fileName;
    private readonly IReadOnlyList<string> _arguments;
    private int _starts;

    public ClusterMember(string name, string fileName, IReadOnlyList<string> arguments, Uri baseAddress, string peerAddress, DirectoryInfo directory)
    {
        Name = name;
        _fileName = fileName;
        _arguments = arguments;
        BaseAddress = baseAddress;
        PeerAddress = peerAddress;
        Directory = directory;
    }

    public string Name { get; }

    /// <summary>HTTP API (mesh) or client URL (etcd).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Raft address <c>ip:port</c> as <c>/v1/status/leader</c> reports it (mesh), or the peer URL (etcd).</summary>
    public string PeerAddress { get; }

    public DirectoryInfo Directory { get; }

    /// <summary>The plaintext gRPC (xDS) port of a mesh server; 0 when unknown (etcd).</summary>
    public int GrpcPort { get; init; }

    /// <summary>The running process, or null while killed.</summary>
    public ChildProcess? Process { get; private set; }

    public bool IsRunning => Process is { HasExited: false };

    public void Start()
    {
        if (Process is not null)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }

        _starts++;
        var log = Path.Combine(Directory.FullName, string.Create(CultureInfo.InvariantCulture, $"{Name}-{_starts}.log"));
        Process = ChildProcess.Start(_fileName, _arguments, log);
    }

    /// <summary>SIGKILL, and wait for the exit.</summary>
    public async Task KillAsync()
    {
        if (Process is { } process)
        {
            Process = null;
            await process.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync().ConfigureAwait(false);
}
