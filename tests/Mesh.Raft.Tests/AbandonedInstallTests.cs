using Mesh.Raft.Tests.Support;

namespace Mesh.Raft.Tests;

/// <summary>
/// Issue 10's "stuck at a snapshot index", reproduced by the fault harness (seed 1): the leader installs its snapshot S
/// on a follower that was down while the leader compacted past it; the install takes longer than Raft's request timeout
/// (a large state on a loaded machine), so the leader gives up on it, but the follower completes it and now has
/// commit index S. DotNext 6.12 then rejects every further install of S (a snapshot must be past the follower's commit)
/// and the leader, which only lowers its next index for that follower after a rejection, keeps offering S forever:
/// the follower never hears a heartbeat it accepts, knows no leader and never catches up.
/// </summary>
public sealed class AbandonedInstallTests
{
    private const int Threshold = 16;

    [Fact]
    public async Task InstallCompletedAfterTheLeaderGaveUp_FollowerStillCatchesUpAndKnowsTheLeader()
    {
        await using var a = new RaftNode();
        await using var b = new RaftNode();
        await using var c = new RaftNode();
        var leader = await a.StartAsync(snapshotThreshold: Threshold);
        await b.StartAsync(bootstrap: false, snapshotThreshold: Threshold);
        await c.StartAsync(bootstrap: false, snapshotThreshold: Threshold);
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout * 6);
        Assert.True(await leader.AddVoterAsync(b.EndPoint, cancellation.Token));
        Assert.True(await leader.AddVoterAsync(c.EndPoint, cancellation.Token));
        await a.ProposeAllAsync(RaftNode.Payloads(Threshold + 3, "before"));

        await b.StopAsync();
        await a.ProposeAllAsync(RaftNode.Payloads(3 * Threshold, "down"));

        // Restores on b take longer than the leader's request timeout (the lower election timeout, 400 ms).
        var follower = await b.StartAsync(bootstrap: false, snapshotThreshold: Threshold, restoreDelay: TimeSpan.FromSeconds(1.5));
        await a.ProposeAllAsync(RaftNode.Payloads(3, "after"));
        var target = leader.CommitIndex;
        var deadline = DateTime.UtcNow + (RaftNode.Timeout * 2);
        while ((follower.AppliedIndex < target || follower.Leader is null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellation.Token);
        }

        Assert.True(
            follower.AppliedIndex >= target && follower.Leader is not null,
            $"the follower is at applied {follower.AppliedIndex}, commit {follower.CommitIndex}, last {follower.LastLogIndex}, leader {follower.Leader?.ToString() ?? "none"}; the leader committed {target}");
        Assert.NotEmpty(b.Machine.RestoredSnapshotIndexes);
        await b.Machine.WaitForPayloadsAsync(a.Machine.Payloads.Count, RaftNode.Timeout);
        Assert.Equal(a.Machine.Payloads, b.Machine.Payloads);
    }
}
