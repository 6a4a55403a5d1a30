using System.Text;
using Mesh.Raft.Tests.Support;

namespace Mesh.Raft.Tests;

/// <summary>A real single-node <see cref="RaftServer"/> (TCP on loopback, write-ahead log on disk) driving a test state machine.</summary>
public sealed class RaftServerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StartAsync_BootstrapOnEmptyDirectory_ElectsItselfLeader()
    {
        await using var node = new RaftNode();

        var server = await node.StartAsync(bootstrap: true);

        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        var leader = await server.WaitForLeaderAsync(RaftNode.Timeout, cancellation.Token);
        Assert.Equal(node.EndPoint, leader);
        Assert.True(server.IsLeader);
        Assert.Equal(node.EndPoint, server.Leader);
        Assert.Equal(node.EndPoint, Assert.Single(server.Members));
        Assert.Equal(TimeSpan.Zero, server.LastContact);
        Assert.True(server.IsFresh);
        Assert.True(File.Exists(Path.Combine(node.DataDirectory, "raft-members")));
    }

    [Fact]
    public async Task StartAsync_ColdStart_LeadsAtTermOneWithoutAnElection()
    {
        await using var node = new RaftNode();

        var server = await node.StartAsync(bootstrap: true);
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        await server.WaitForLeaderAsync(RaftNode.Timeout, cancellation.Token);

        // Term 1 (persisted before the cold start): not the "no term yet" 0, and not 2, which an election on top of
        // the cold start would have made.
        Assert.True(server.IsLeader);
        Assert.Equal(1, server.Term);
        var applied = Assert.IsType<AppliedEntry>(await server.ProposeAsync("first"u8.ToArray(), cancellation.Token));
        Assert.True(applied.Index > 0);
        Assert.Equal(1, server.Term);
    }

    [Fact]
    public async Task ProposeAsync_OnLeader_ReturnsStateMachineResultForTheEntry()
    {
        await using var node = new RaftNode();
        var server = await node.StartAsync();

        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        var first = Assert.IsType<AppliedEntry>(await server.ProposeAsync("hello"u8.ToArray(), cancellation.Token));
        var second = Assert.IsType<AppliedEntry>(await server.ProposeAsync("world"u8.ToArray(), cancellation.Token));

        Assert.Equal(1, first.Count);
        Assert.Equal(2, second.Count);
        Assert.True(second.Index > first.Index);
        Assert.Equal([first.Index, second.Index], node.Machine.AppliedIndexes);
        Assert.Equal(["hello", "world"], node.Machine.Payloads.Select(p => Encoding.UTF8.GetString(p)));
        Assert.True(server.CommitIndex >= second.Index);
        Assert.True(server.AppliedIndex >= second.Index);
        Assert.True(server.LastLogIndex >= second.Index);
        Assert.Equal(0, node.Machine.OrderViolations);
    }

    [Fact]
    public async Task ProposeAsync_ConcurrentProposals_EachGetsItsOwnEntry()
    {
        await using var node = new RaftNode();
        var server = await node.StartAsync();
        var payloads = RaftNode.Payloads(32, "concurrent");

        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        var results = await Task.WhenAll(payloads.Select(p => server.ProposeAsync(p, cancellation.Token).AsTask()));

        var entries = results.Select(r => Assert.IsType<AppliedEntry>(r)).ToList();
        Assert.Equal(32, entries.Select(e => e.Index).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 32), entries.Select(e => e.Count).Order());
        Assert.Equal(
            payloads.Select(Convert.ToHexString).Order(StringComparer.Ordinal),
            node.Machine.Payloads.Select(Convert.ToHexString).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StartAsync_RestartOnSameDirectory_ReappliesEveryEntryInOrder()
    {
        await using var node = new RaftNode();
        var server = await node.StartAsync();
        var payloads = RaftNode.Payloads(25);
        var results = await node.ProposeAllAsync(payloads);
        var lastIndexBefore = server.LastLogIndex;
        var termBefore = server.Term;
        Assert.True(termBefore > 0, "an elected leader reports term 0");
        await node.StopAsync();

        // Bootstrap is asked for again: on a non-empty log it must just restart, not start a new cluster.
        var restarted = await node.StartAsync(bootstrap: true);
        await node.Machine.WaitForPayloadsAsync(payloads.Count, RaftNode.Timeout);

        Assert.Equal(payloads, node.Machine.Payloads);
        Assert.Equal(results.Select(r => r.Index), node.Machine.AppliedIndexes.Take(payloads.Count));
        Assert.Empty(node.Machine.RestoredSnapshotIndexes);
        Assert.False(restarted.IsFresh);
        Assert.True(restarted.LastLogIndex >= lastIndexBefore);
        await restarted.WaitForLeaderAsync(RaftNode.Timeout, CancellationToken.None);
        Assert.True(restarted.Term >= termBefore, $"term {restarted.Term} after a restart, {termBefore} before");
        Assert.Equal(node.EndPoint, Assert.Single(restarted.Members));

        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        var next = Assert.IsType<AppliedEntry>(await restarted.ProposeAsync("after-restart"u8.ToArray(), cancellation.Token));
        Assert.True(next.Index > lastIndexBefore);
        Assert.Equal(payloads.Count + 1, next.Count);
        Assert.Equal(0, node.Machine.OrderViolations);
    }

    /// <summary>
    /// Issue 18: a snapshot is serialized and written in the background. While one is held open (a large store being
    /// serialized), the entries after its index are still applied and acknowledged; the snapshot becomes the log's
    /// compaction point once it is durable, and a restart restores it.
    /// </summary>
    [Fact]
    public async Task SnapshotBeingWritten_DoesNotHoldUpTheEntriesAfterIt()
    {
        const int threshold = 16;
        await using var node = new RaftNode();
        var server = await node.StartAsync(snapshotThreshold: threshold);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Machine.SerializeGate = gate.Task;

        var results = await node.ProposeAllAsync(RaftNode.Payloads(3 * threshold));
        Assert.True(server.SnapshotsTaken >= 2, $"{server.SnapshotsTaken} snapshots captured by index {results[^1].Index}");
        Assert.Equal(0, server.SnapshotIndex);

        gate.SetResult();
        var expected = results[^1].Index / threshold * threshold;
        var deadline = DateTime.UtcNow + RaftNode.Timeout;
        while (server.SnapshotIndex < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(expected, server.SnapshotIndex);
        await node.StopAsync();

        await node.StartAsync(snapshotThreshold: threshold);
        await node.Machine.WaitForPayloadsAsync(3 * threshold, RaftNode.Timeout);
        Assert.Equal(expected, Assert.Single(node.Machine.RestoredSnapshotIndexes));
    }

    [Fact]
    public async Task StartAsync_AfterSnapshots_RestoresSnapshotThenAppliesOnlyTheTail()
    {
        const int threshold = 16;
        await using var node = new RaftNode();
        var server = await node.StartAsync(snapshotThreshold: threshold);
        var payloads = RaftNode.Payloads(100);
        var results = await node.ProposeAllAsync(payloads);
        Assert.True(server.SnapshotsTaken > 0);
        Assert.Equal(results[^1].Index / threshold, server.SnapshotsTaken);
        await node.StopAsync();

        var restarted = await node.StartAsync(snapshotThreshold: threshold);
        await node.Machine.WaitForPayloadsAsync(payloads.Count, RaftNode.Timeout);

        Assert.Equal(payloads, node.Machine.Payloads);
        var snapshotIndex = Assert.Single(node.Machine.RestoredSnapshotIndexes);
        Assert.True(snapshotIndex >= threshold, $"restored snapshot at {snapshotIndex}");
        Assert.Equal(0, snapshotIndex % threshold);
        var tail = node.Machine.AppliedIndexes;
        Assert.All(tail, index => Assert.True(index > snapshotIndex, $"entry {index} was applied again after the snapshot at {snapshotIndex}"));
        Assert.Equal(results.Where(r => r.Index > snapshotIndex).Select(r => r.Index), tail);
        Assert.True(tail.Count < payloads.Count);
        Assert.Equal(0, node.Machine.OrderViolations);

        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        var next = Assert.IsType<AppliedEntry>(await restarted.ProposeAsync("after-restart"u8.ToArray(), cancellation.Token));
        Assert.Equal(payloads.Count + 1, next.Count);
    }

    [Fact]
    public async Task ProposeAsync_SingleNodeWithoutBootstrap_FailsFastWithNoLeader()
    {
        await using var node = new RaftNode();
        var server = node.CreateServer(bootstrap: false);
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        await server.StartAsync(cancellation.Token);

        await Assert.ThrowsAsync<NoLeaderException>(() => server.ProposeAsync("x"u8.ToArray(), cancellation.Token).AsTask().WaitAsync(Bound));

        Assert.False(server.IsLeader);
        Assert.Null(server.Leader);
        Assert.Empty(node.Machine.Payloads);
    }

    [Fact]
    public async Task WaitForLeaderAsync_NoLeaderElected_FailsAfterTheTimeout()
    {
        await using var node = new RaftNode();
        var server = node.CreateServer(bootstrap: false);
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        await server.StartAsync(cancellation.Token);

        // Callers (CommandPipeline, ClusterJoiner) handle both: DotNext reports the timeout as TimeoutException.
        var waiting = server.WaitForLeaderAsync(TimeSpan.FromMilliseconds(500), cancellation.Token);
        Assert.Same(waiting, await Task.WhenAny(waiting, Task.Delay(Bound)));
        var error = await Record.ExceptionAsync(() => waiting);

        Assert.True(error is NoLeaderException or TimeoutException, $"unexpected {error?.GetType().Name ?? "success"}");
        Assert.False(cancellation.IsCancellationRequested);
    }

    [Fact]
    public async Task ProposeAsync_NotStarted_FailsFastWithNoLeader()
    {
        await using var node = new RaftNode();
        var server = node.CreateServer(bootstrap: true);

        await Assert.ThrowsAsync<NoLeaderException>(() => server.ProposeAsync("x"u8.ToArray(), CancellationToken.None).AsTask().WaitAsync(Bound));

        Assert.False(server.IsLeader);
        Assert.Empty(server.Members);
        Assert.Equal(0, server.CommitIndex);
    }

    [Fact]
    public async Task ReadBarrierAsync_OnLeader_Succeeds()
    {
        await using var node = new RaftNode();
        var server = await node.StartAsync();
        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        var entry = Assert.IsType<AppliedEntry>(await server.ProposeAsync("barrier"u8.ToArray(), cancellation.Token));

        await server.ReadBarrierAsync(cancellation.Token).AsTask().WaitAsync(Bound);

        Assert.True(server.AppliedIndex >= entry.Index);
        Assert.True(server.IsLeader);
    }

    [Fact]
    public async Task LeaderChanged_RaisedWithLocalEndPointOnElection()
    {
        await using var node = new RaftNode();
        var server = node.CreateServer(bootstrap: true);
        var elected = new TaskCompletionSource<System.Net.EndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.LeaderChanged += leader =>
        {
            if (leader is not null)
            {
                elected.TrySetResult(leader);
            }
        };

        using var cancellation = new CancellationTokenSource(RaftNode.Timeout);
        await server.StartAsync(cancellation.Token);

        Assert.Equal(node.EndPoint, await elected.Task.WaitAsync(RaftNode.Timeout));
    }
}
