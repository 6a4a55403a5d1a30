using Mesh.Raft.Tests.Support;

namespace Mesh.Raft.Tests;

/// <summary>
/// Three real servers: a follower that was down while the leader compacted its log past the follower's last entry must
/// be caught up (install snapshot, then entries) and must come back again after a later restart.
/// </summary>
public sealed class SnapshotCatchUpTests
{
    private const int Threshold = 16;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Follower_DownWhileLeaderSnapshots_CatchesUpAndRejoinsAfterEveryRestart(bool crash)
    {
        await using var a = new RaftNode();
        await using var b = new RaftNode();
        await using var c = new RaftNode();
        await a.StartAsync(snapshotThreshold: Threshold);
        await b.StartAsync(bootstrap: false, snapshotThreshold: Threshold);
        await c.StartAsync(bootstrap: false, snapshotThreshold: Threshold);
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout * 6);
        await AddVoterAsync([a, c], b, cancellation.Token);
        await AddVoterAsync([a, b], c, cancellation.Token);

        var written = 0;
        for (var round = 0; round < 4; round++)
        {
            await ProposeOnLeaderAsync([a, c], RaftNode.Payloads(Threshold + 3, $"r{round}-before"));
            written += Threshold + 3;
            await StopAsync(b, crash);

            // The leader moves at least two snapshots past where b stopped.
            await ProposeOnLeaderAsync([a, c], RaftNode.Payloads((2 * Threshold) + round, $"r{round}-down"));
            written += (2 * Threshold) + round;
            var target = LeaderOf([a, c]).CommitIndex;

            var follower = await b.StartAsync(bootstrap: false, snapshotThreshold: Threshold);
            var deadline = DateTime.UtcNow + RaftNode.Timeout;
            while ((follower.AppliedIndex < target || follower.Leader is null) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellation.Token);
            }

            Assert.True(
                follower.AppliedIndex >= target && follower.Leader is not null,
                $"round {round}: the restarted follower is at applied {follower.AppliedIndex}, last {follower.LastLogIndex}, leader {follower.Leader?.ToString() ?? "none"}; the leader committed {target}");

            if (crash)
            {
                // Killed again right after the snapshot was installed, before anything else is flushed.
                await StopAsync(b, crash);
                await ProposeOnLeaderAsync([a, c], RaftNode.Payloads(3, $"r{round}-after"));
                target = LeaderOf([a, c]).CommitIndex;
                follower = await b.StartAsync(bootstrap: false, snapshotThreshold: Threshold);
                deadline = DateTime.UtcNow + RaftNode.Timeout;
                while ((follower.AppliedIndex < target || follower.Leader is null) && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50, cancellation.Token);
                }

                Assert.True(
                    follower.AppliedIndex >= target && follower.Leader is not null,
                    $"round {round}, killed after the install: the follower is at applied {follower.AppliedIndex}, last {follower.LastLogIndex}, commit {follower.CommitIndex}, leader {follower.Leader?.ToString() ?? "none"}; the leader committed {target}");
            }
        }

        Assert.True(written > 0);
    }

    /// <summary>
    /// Proposes on whichever of the running servers leads: on a loaded machine leadership may move between a and c
    /// while b is down, which is not what this test is about.
    /// </summary>
    private static async Task ProposeOnLeaderAsync(RaftNode[] running, IReadOnlyList<byte[]> payloads)
    {
        var remaining = payloads.ToList();
        var deadline = DateTime.UtcNow + RaftNode.Timeout;
        while (remaining.Count > 0)
        {
            var node = running.FirstOrDefault(n => n.Server?.IsLeader == true);
            if (node is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "no leader among the running servers");
                await Task.Delay(50);
                continue;
            }

            try
            {
                await node.ProposeAllAsync([remaining[0]]);
                remaining.RemoveAt(0);
            }
            catch (Exception lost) when (lost is NotLeaderException or NoLeaderException && DateTime.UtcNow < deadline)
            {
                // Leadership moved between the look and the commit: propose again (a repeat does not matter here).
            }
        }
    }

    private static async Task AddVoterAsync(RaftNode[] members, RaftNode joining, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RaftNode.Timeout;
        while (true)
        {
            try
            {
                Assert.True(await LeaderOf(members).AddVoterAsync(joining.EndPoint, cancellationToken));
                return;
            }
            catch (Exception lost) when (lost is NotLeaderException or NoLeaderException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static RaftServer LeaderOf(RaftNode[] running)
        => running.Select(n => n.Server).FirstOrDefault(s => s?.IsLeader == true) ?? running[0].Server!;

    /// <summary>Graceful stop, or a crash: the folder is put back to a copy taken while the server still ran.</summary>
    private static async Task StopAsync(RaftNode node, bool crash)
    {
        if (!crash)
        {
            await node.StopAsync();
            return;
        }

        var image = Path.Combine(Path.GetTempPath(), "mesh-raft-crash-" + Guid.NewGuid().ToString("N"));
        CrashImage.Copy(node.DataDirectory, image);
        await node.StopAsync();
        Directory.Delete(node.DataDirectory, recursive: true);
        CrashImage.Copy(image, node.DataDirectory);
        Directory.Delete(image, recursive: true);
    }
}
