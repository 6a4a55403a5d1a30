using Mesh.Raft.Tests.Support;
using Mesh.Testing;

namespace Mesh.Raft.Tests;

/// <summary>
/// Crash images: the data folder is copied while the server still runs (what SIGKILL leaves on disk, since the page
/// cache survives the process), and a new server is opened on the copy.
/// </summary>
public sealed class CrashRecoveryTests
{
    [Theory]
    [InlineData(16, 40)]
    [InlineData(16, 33)]
    [InlineData(64, 100)]
    [InlineData(128, 200)]
    [InlineData(1024, 1100)]
    public async Task Open_CrashImageAfterEntriesPastASnapshot_KeepsEveryAcknowledgedEntry(int threshold, int count)
    {
        await using var node = new RaftNode();
        var server = await node.StartAsync(snapshotThreshold: threshold);
        var payloads = RaftNode.Payloads(count);
        var results = await node.ProposeAllAsync(payloads);
        Assert.True(server.SnapshotsTaken > 0);

        using var image = new TempDirectory("mesh-raft-crash");
        CrashImage.Copy(node.DataDirectory, image.Path);

        var machine = new RecordingStateMachine();
        await using var restarted = new RaftServer(
            new RaftServerOptions
            {
                DataDirectory = image.Path,
                EndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, FreePort.Next()),
                Bootstrap = false,
                SnapshotThreshold = threshold,
            },
            machine);
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        await restarted.OpenAsync(cancellation.Token);

        Assert.True(
            restarted.LastLogIndex >= results[^1].Index,
            $"after the crash the log ends at {restarted.LastLogIndex} but entry {results[^1].Index} was acknowledged (commit {restarted.CommitIndex}, snapshot threshold {threshold})");
    }

    [Fact]
    public async Task Open_CrashImageTakenAfterEveryAcknowledgedEntryAroundSnapshots_KeepsThatEntry()
    {
        const int threshold = 16;
        await using var node = new RaftNode();
        var server = await node.StartAsync(snapshotThreshold: threshold);
        var failures = new List<string>();
        for (var i = 1; i <= 3 * threshold + 4; i++)
        {
            using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
            var acknowledged = Assert.IsType<AppliedEntry>(await server.ProposeAsync(System.Text.Encoding.UTF8.GetBytes($"e-{i}"), cancellation.Token));

            using var image = new TempDirectory("mesh-raft-crash");
            CrashImage.Copy(node.DataDirectory, image.Path);
            var machine = new RecordingStateMachine();
            await using var restarted = new RaftServer(
                new RaftServerOptions
                {
                    DataDirectory = image.Path,
                    EndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, FreePort.Next()),
                    SnapshotThreshold = threshold,
                },
                machine);
            await restarted.OpenAsync(cancellation.Token);
            if (restarted.LastLogIndex < acknowledged.Index)
            {
                failures.Add($"acknowledged {acknowledged.Index}, image ends at {restarted.LastLogIndex} (commit {restarted.CommitIndex})");
            }
        }

        Assert.Empty(failures);
    }
}
