using System.Threading.Channels;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Raft;

namespace Mesh.Server.Tests;

/// <summary>
/// The leader's group commit, against a log stand-in that holds each appended entry until the test releases it (so
/// what queues meanwhile is under the test's control) and then applies it to a real <see cref="StateMachine"/>.
/// </summary>
public sealed class ProposalCoalescerTests
{
    private sealed class HeldLog
    {
        private readonly StateMachine _fsm = new();
        private readonly Channel<(ReadOnlyMemory<byte> Payload, TaskCompletionSource<object?> Applied)> _appended = Channel.CreateUnbounded<(ReadOnlyMemory<byte>, TaskCompletionSource<object?>)>();
        private long _index;

        public StateMachine Fsm => _fsm;

        public List<LogRecord> Entries { get; } = [];

        public Exception? FailWith { get; set; }

        public async ValueTask<object?> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            var applied = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
            await _appended.Writer.WriteAsync((payload, applied), cancellationToken);
            return await applied.Task;
        }

        /// <summary>Waits for the next appended entry, applies it (or fails it) and answers its proposer.</summary>
        public async Task<LogRecord> ReleaseNextAsync()
        {
            var (payload, applied) = await _appended.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var record = LogCodec.Decode(payload);
            Entries.Add(record);
            if (FailWith is { } error)
            {
                applied.SetException(error);
            }
            else
            {
                applied.SetResult(_fsm.Apply(++_index, record));
            }

            return record;
        }

        public bool HasWaiting => _appended.Reader.Count > 0;
    }

    private static RegisterCommand Node(int i) => new() { Node = $"n{i}", Address = "10.0.0.1", Datacenter = "dc1" };

    [Fact]
    public async Task AProposalAtAnIdleLeader_GoesOutAtOnceAlone_AndThoseQueuedBehindTheWindowLeaveAsOneEntry()
    {
        var log = new HeldLog();
        var coalescer = new ProposalCoalescer(log.AppendAsync, TimeProvider.System) { Window = 1 };

        var first = coalescer.ProposeAsync(Node(0), CancellationToken.None);
        var queued = Enumerable.Range(1, 10).Select(i => coalescer.ProposeAsync(Node(i), CancellationToken.None)).ToList();

        var alone = await log.ReleaseNextAsync();
        Assert.IsType<RegisterCommand>(alone.Command);
        Assert.Equal(1, (await first).Index);

        var group = Assert.IsType<GroupCommand>((await log.ReleaseNextAsync()).Command);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"n{i}"), group.Commands.Cast<RegisterCommand>().Select(r => r.Node));
        var results = await Task.WhenAll(queued);
        Assert.All(results, r => Assert.Equal(2, r.Index));
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(2, coalescer.EntriesProposed);
        Assert.Equal(11, coalescer.CommandsProposed);
    }

    [Fact]
    public async Task EachCommandOfAnEntry_GetsItsOwnResult()
    {
        var log = new HeldLog();
        var coalescer = new ProposalCoalescer(log.AppendAsync, TimeProvider.System) { Window = 1 };
        var blocker = coalescer.ProposeAsync(Node(0), CancellationToken.None);

        var ok = coalescer.ProposeAsync(Node(1), CancellationToken.None);
        var missing = coalescer.ProposeAsync(new UpdateCheckCommand { Node = "n1", CheckId = "nope", Status = HealthStatus.Passing }, CancellationToken.None);
        var invalid = coalescer.ProposeAsync(new DeregisterCommand { Node = string.Empty }, CancellationToken.None);
        var reserved = coalescer.ProposeAsync(new CaReserveSerialsCommand { Count = 2 }, CancellationToken.None);
        await log.ReleaseNextAsync();
        await log.ReleaseNextAsync();

        await blocker;
        Assert.True((await ok).Succeeded);
        Assert.Equal(ApplyErrorKind.NotFound, (await missing).ErrorKind);
        Assert.Equal(ApplyErrorKind.Invalid, (await invalid).ErrorKind);
        Assert.False((await reserved).Succeeded); // no CA yet: refused on its own, the others unaffected
        Assert.NotNull(log.Fsm.Current.FindNode("n1"));
    }

    [Fact]
    public async Task Entries_AreBoundedInCommandsAndBytes_AndARestoreAlwaysGoesAlone()
    {
        var log = new HeldLog();
        var coalescer = new ProposalCoalescer(log.AppendAsync, TimeProvider.System) { Window = 1, MaxCommands = 4, MaxBytes = 4096 };
        var blocker = coalescer.ProposeAsync(Node(0), CancellationToken.None);

        var small = Enumerable.Range(1, 6).Select(i => coalescer.ProposeAsync(Node(i), CancellationToken.None)).ToList();
        var big = coalescer.ProposeAsync(Node(7) with { NodeMeta = new Dictionary<string, string> { ["pad"] = new string('x', 5000) } }, CancellationToken.None);
        var restore = coalescer.ProposeAsync(new RestoreStateCommand { State = Fsm.State.StoreSnapshotCodec.Serialize(Fsm.State.StoreState.Empty) }, CancellationToken.None);
        var after = coalescer.ProposeAsync(Node(8), CancellationToken.None);

        var shapes = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var record = await log.ReleaseNextAsync();
            shapes.Add(record.Command is GroupCommand g ? g.Commands.Count : 1);
        }

        // blocker | 4 small | 2 small | the big one alone (over the byte bound) | the restore alone | the last one.
        Assert.Equal([1, 4, 2, 1, 1, 1], shapes);
        Assert.IsType<RestoreStateCommand>(log.Entries[4].Command);
        await Task.WhenAll([blocker, .. small, big, restore, after]);
        Assert.False(log.HasWaiting);
    }

    [Fact]
    public async Task TheWindow_BoundsEntriesInFlight()
    {
        var log = new HeldLog();
        var coalescer = new ProposalCoalescer(log.AppendAsync, TimeProvider.System) { Window = 2 };

        var proposals = Enumerable.Range(0, 20).Select(i => coalescer.ProposeAsync(Node(i), CancellationToken.None)).ToList();

        // Two entries went out alone at once (the window); the other 18 wait and leave together when one is applied.
        Assert.IsType<RegisterCommand>((await log.ReleaseNextAsync()).Command);
        Assert.IsType<RegisterCommand>((await log.ReleaseNextAsync()).Command);
        Assert.Equal(18, Assert.IsType<GroupCommand>((await log.ReleaseNextAsync()).Command).Commands.Count);
        await Task.WhenAll(proposals);
        Assert.Equal(3, coalescer.EntriesProposed);
    }

    [Fact]
    public async Task AnEntryThatFails_FailsEveryCommandInIt_WithTheSameError()
    {
        var log = new HeldLog();
        var coalescer = new ProposalCoalescer(log.AppendAsync, TimeProvider.System) { Window = 1 };
        var blocker = coalescer.ProposeAsync(Node(0), CancellationToken.None);
        var grouped = Enumerable.Range(1, 5).Select(i => coalescer.ProposeAsync(Node(i), CancellationToken.None)).ToList();
        await log.ReleaseNextAsync();
        await blocker;

        log.FailWith = new NoLeaderException("lost leadership after the append") { MayHaveApplied = true };
        await log.ReleaseNextAsync();

        foreach (var proposal in grouped)
        {
            var error = await Assert.ThrowsAsync<NoLeaderException>(() => proposal);
            Assert.True(error.MayHaveApplied);
        }
    }

    [Fact]
    public async Task AProposalWhoseCallerGaveUpBeforeItLeft_NeverReachesTheLog()
    {
        var log = new HeldLog();
        var coalescer = new ProposalCoalescer(log.AppendAsync, TimeProvider.System) { Window = 1 };
        var blocker = coalescer.ProposeAsync(Node(0), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var abandoned = coalescer.ProposeAsync(Node(1), cancel.Token);
        var kept = coalescer.ProposeAsync(Node(2), CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await log.ReleaseNextAsync();
        await blocker;
        var next = await log.ReleaseNextAsync();

        Assert.Equal("n2", Assert.IsType<RegisterCommand>(next.Command).Node);
        Assert.True((await kept).Succeeded);
        Assert.Null(log.Fsm.Current.FindNode("n1"));
    }

    [Fact]
    public async Task ProposeAll_QueuesABatchTogether_SoItLeavesAsOneEntry()
    {
        var log = new HeldLog();
        var coalescer = new ProposalCoalescer(log.AppendAsync, TimeProvider.System) { Window = 1 };
        var blocker = coalescer.ProposeAsync(Node(0), CancellationToken.None);

        var batch = coalescer.ProposeAllAsync([.. Enumerable.Range(1, 30).Select(Node)], CancellationToken.None);
        await log.ReleaseNextAsync();

        Assert.Equal(30, Assert.IsType<GroupCommand>((await log.ReleaseNextAsync()).Command).Commands.Count);
        await blocker;
        Assert.All(await Task.WhenAll(batch), r => Assert.Equal(2, r.Index));
    }

    [Fact]
    public async Task WhileGroupingIsNotAllowed_EveryQueuedProposalIsItsOwnPlainEntry()
    {
        var log = new HeldLog();
        var allowed = false;
        var coalescer = new ProposalCoalescer(log.AppendAsync, TimeProvider.System) { Window = 1, MayGroup = () => allowed };

        var proposals = Enumerable.Range(0, 4).Select(i => coalescer.ProposeAsync(Node(i), CancellationToken.None)).ToList();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal($"n{i}", Assert.IsType<RegisterCommand>((await log.ReleaseNextAsync()).Command).Node);
        }

        Assert.Equal([1L, 2, 3, 4], (await Task.WhenAll(proposals)).Select(r => r.Index));

        // Once every peer reads groups, what queues behind the window leaves together again.
        allowed = true;
        var blocker = coalescer.ProposeAsync(Node(10), CancellationToken.None);
        var grouped = Enumerable.Range(11, 3).Select(i => coalescer.ProposeAsync(Node(i), CancellationToken.None)).ToList();
        await log.ReleaseNextAsync();
        Assert.Equal(3, Assert.IsType<GroupCommand>((await log.ReleaseNextAsync()).Command).Commands.Count);
        await Task.WhenAll([blocker, .. grouped]);
    }
}
