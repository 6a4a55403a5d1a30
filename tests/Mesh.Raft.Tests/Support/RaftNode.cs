using System.Net;
using Mesh.Testing;

namespace Mesh.Raft.Tests.Support;

/// <summary>
/// A real single-node <see cref="RaftServer"/> on a free loopback port with its data in a temp folder that outlives
/// restarts; each <see cref="StartAsync"/> runs a new server (and a new state machine) on the same folder and port.
/// </summary>
public sealed class RaftNode : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly TempDirectory _directory = new("mesh-raft-test");

    public IPEndPoint EndPoint { get; } = new(IPAddress.Loopback, FreePort.Next());

    public string DataDirectory => _directory.Path;

    public RaftServer? Server { get; private set; }

    public RecordingStateMachine Machine { get; private set; } = new();

    public RaftServer CreateServer(bool bootstrap, int snapshotThreshold = 16384, TimeSpan restoreDelay = default)
    {
        Machine = new RecordingStateMachine { RestoreDelay = restoreDelay };
        Server = new RaftServer(
            new RaftServerOptions
            {
                DataDirectory = DataDirectory,
                EndPoint = EndPoint,
                Bootstrap = bootstrap,
                SnapshotThreshold = snapshotThreshold,
            },
            Machine);
        return Server;
    }

    /// <summary>Starts a server on the folder and, when <paramref name="bootstrap"/> is set, waits until it leads.</summary>
    public async Task<RaftServer> StartAsync(bool bootstrap = true, int snapshotThreshold = 16384, TimeSpan restoreDelay = default)
    {
        var server = CreateServer(bootstrap, snapshotThreshold, restoreDelay);
        using var cancellation = new CancellationTokenSource(Timeout);
        await server.StartAsync(cancellation.Token);
        if (bootstrap)
        {
            await server.WaitForLeaderAsync(Timeout, cancellation.Token);
            var deadline = DateTime.UtcNow + Timeout;
            while (!server.IsLeader && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, cancellation.Token);
            }
        }

        return server;
    }

    public async Task StopAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
            Server = null;
        }
    }

    /// <summary>Proposes payloads one at a time, returning what the state machine answered for each.</summary>
    public async Task<IReadOnlyList<AppliedEntry>> ProposeAllAsync(IEnumerable<byte[]> payloads)
    {
        var server = Server ?? throw new InvalidOperationException("not started");
        var results = new List<AppliedEntry>();
        foreach (var payload in payloads)
        {
            using var cancellation = new CancellationTokenSource(Timeout);
            results.Add(Assert.IsType<AppliedEntry>(await server.ProposeAsync(payload, cancellation.Token)));
        }

        return results;
    }

    public static IReadOnlyList<byte[]> Payloads(int count, string prefix = "entry")
        => [.. Enumerable.Range(1, count).Select(i => System.Text.Encoding.UTF8.GetBytes($"{prefix}-{i:D4}"))];

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _directory.Dispose();
    }
}
