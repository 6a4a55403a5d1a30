using System.Buffers.Binary;
using Mesh.Raft.Tests.Support;

namespace Mesh.Raft.Tests;

/// <summary>
/// The disk state the fault harness left behind (issue 10): a follower's snapshot at S landed, while its WAL checkpoint
/// still says commit S-16, last S-15 and the metadata pages up to S were already cleaned away. It reopened at exactly S
/// and never learned the leader.
/// </summary>
public sealed class StaleCheckpointTests
{
    private const int Threshold = 16;

    [Fact]
    public async Task Follower_ReopenedWithCheckpointBehindItsSnapshot_RejoinsTheLeader()
    {
        await using var a = new RaftNode();
        await using var b = new RaftNode();
        await using var c = new RaftNode();
        var leader = await a.StartAsync(snapshotThreshold: Threshold);
        await b.StartAsync(bootstrap: false, snapshotThreshold: Threshold);
        await c.StartAsync(bootstrap: false, snapshotThreshold: Threshold);
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout * 4);
        Assert.True(await leader.AddVoterAsync(b.EndPoint, cancellation.Token));
        Assert.True(await leader.AddVoterAsync(c.EndPoint, cancellation.Token));

        await a.ProposeAllAsync(RaftNode.Payloads((3 * Threshold) + 5, "before"));
        var follower = b.Server!;
        var deadline = DateTime.UtcNow + RaftNode.Timeout;
        while (follower.AppliedIndex < leader.CommitIndex && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellation.Token);
        }

        await b.StopAsync();
        var snapshots = Directory.GetFiles(Path.Combine(b.DataDirectory, "snapshots"))
            .Select(f => Path.GetFileName(f).Split('-')[0])
            .Where(n => long.TryParse(n, out _))
            .Select(long.Parse)
            .ToList();
        var snapshot = snapshots.Max();
        var checkpoint = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(checkpoint, 1);
        BinaryPrimitives.WriteInt64LittleEndian(checkpoint.AsSpan(4), snapshot - Threshold);
        BinaryPrimitives.WriteInt64LittleEndian(checkpoint.AsSpan(12), snapshot - Threshold + 1);
        await File.WriteAllBytesAsync(Path.Combine(b.DataDirectory, "wal", "checkpoint"), checkpoint, cancellation.Token);
        foreach (var page in Directory.GetFiles(Path.Combine(b.DataDirectory, "wal", "metadata")))
        {
            File.Delete(page);
        }

        await a.ProposeAllAsync(RaftNode.Payloads(5, "while-down"));
        var target = leader.CommitIndex;
        follower = await b.StartAsync(bootstrap: false, snapshotThreshold: Threshold);
        var reopenedAt = follower.LastLogIndex;
        deadline = DateTime.UtcNow + RaftNode.Timeout;
        while ((follower.AppliedIndex < target || follower.Leader is null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, cancellation.Token);
        }

        Assert.True(
            follower.AppliedIndex >= target && follower.Leader is not null,
            $"reopened at {reopenedAt} (snapshot {snapshot}); now applied {follower.AppliedIndex}, last {follower.LastLogIndex}, commit {follower.CommitIndex}, leader {follower.Leader?.ToString() ?? "none"}; the leader committed {target}");
    }
}
