using System.Buffers;
using System.Buffers.Binary;

namespace Mesh.Raft.Tests.Support;

/// <summary>What <see cref="RecordingStateMachine.Apply"/> returns for an entry; the proposer gets it back from ProposeAsync.</summary>
public sealed record AppliedEntry(long Index, int Count);

/// <summary>
/// A small replicated state machine for driving a real <see cref="RaftServer"/>: its state is the list of applied payloads
/// in log order. It also records how it was driven (applied indexes, restores, order violations) so tests can check the
/// Raft layer's calls, not just the resulting state.
/// </summary>
public sealed class RecordingStateMachine : IReplicatedStateMachine
{
    private readonly Lock _gate = new();
    private readonly List<byte[]> _payloads = [];
    private readonly List<long> _appliedIndexes = [];
    private readonly List<long> _restoredSnapshotIndexes = [];
    private long _lastIndex;
    private int _orderViolations;

    /// <summary>Payloads in the order they were applied (or restored).</summary>
    public IReadOnlyList<byte[]> Payloads
    {
        get
        {
            lock (_gate)
            {
                return [.. _payloads];
            }
        }
    }

    /// <summary>Indexes passed to <see cref="Apply"/> by this instance, in call order.</summary>
    public IReadOnlyList<long> AppliedIndexes
    {
        get
        {
            lock (_gate)
            {
                return [.. _appliedIndexes];
            }
        }
    }

    /// <summary>The last index of each snapshot given to <see cref="RestoreSnapshot"/>.</summary>
    public IReadOnlyList<long> RestoredSnapshotIndexes
    {
        get
        {
            lock (_gate)
            {
                return [.. _restoredSnapshotIndexes];
            }
        }
    }

    public long LastIndex
    {
        get
        {
            lock (_gate)
            {
                return _lastIndex;
            }
        }
    }

    /// <summary>Calls whose index was not above the last one seen (Raft must apply in strictly increasing order).</summary>
    public int OrderViolations => Volatile.Read(ref _orderViolations);

    public object? Apply(long index, ReadOnlySequence<byte> payload)
    {
        lock (_gate)
        {
            Advance(index);
            _payloads.Add(payload.ToArray());
            _appliedIndexes.Add(index);
            return new AppliedEntry(index, _payloads.Count);
        }
    }

    public void Skip(long index)
    {
        lock (_gate)
        {
            Advance(index);
        }
    }

    /// <summary>When set, serializing a captured snapshot waits for this task (a slow snapshot, held open by a test).</summary>
    public Task? SerializeGate { get; set; }

    public Func<ReadOnlyMemory<byte>> CaptureSnapshot()
    {
        var gate = SerializeGate;
        long lastIndex;
        byte[][] payloads;
        lock (_gate)
        {
            lastIndex = _lastIndex;
            payloads = [.. _payloads];
        }

        return () =>
        {
            gate?.Wait();
            using var buffer = new MemoryStream();
            using var writer = new BinaryWriter(buffer);
            writer.Write(lastIndex);
            writer.Write(payloads.Length);
            foreach (var payload in payloads)
            {
                writer.Write(payload.Length);
                writer.Write(payload);
            }

            writer.Flush();
            return buffer.ToArray();
        };
    }

    /// <summary>
    /// How long each restore takes (a large state on a loaded machine): longer than Raft's request timeout, the leader
    /// gives up on an install that the follower still completes.
    /// </summary>
    public TimeSpan RestoreDelay { get; init; }

    public void RestoreSnapshot(ReadOnlyMemory<byte> snapshot)
    {
        if (RestoreDelay > TimeSpan.Zero)
        {
            Thread.Sleep(RestoreDelay);
        }

        var span = snapshot.Span;
        var index = BinaryPrimitives.ReadInt64LittleEndian(span);
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        var payloads = new List<byte[]>(count);
        var offset = 12;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
            payloads.Add(span.Slice(offset + 4, length).ToArray());
            offset += 4 + length;
        }

        lock (_gate)
        {
            _payloads.Clear();
            _payloads.AddRange(payloads);
            _lastIndex = index;
            _restoredSnapshotIndexes.Add(index);
        }
    }

    /// <summary>Waits (polling) until at least <paramref name="count"/> payloads are in the state.</summary>
    public async Task WaitForPayloadsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Payloads.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {Payloads.Count} of {count} payloads applied within {timeout}");
            }

            await Task.Delay(20);
        }
    }

    private void Advance(long index)
    {
        if (index <= _lastIndex)
        {
            _orderViolations++;
        }

        _lastIndex = index;
    }
}
