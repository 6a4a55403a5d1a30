using System.Diagnostics.CodeAnalysis;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Mesh.Raft;

/// <summary>
/// Adapts <see cref="IReplicatedStateMachine"/> to DotNext's WAL: entries are applied in order, proposal contexts are
/// completed with the apply result, and every <c>threshold</c> entries the state is captured (immutably, at that
/// index) and persisted so that the log before it can be compacted.
/// </summary>
[SuppressMessage("Usage", "DOTNEXT001", Justification = "SimpleStateMachine is the WAL's in-memory state machine in DotNext 6.")]
internal sealed class SnapshottingStateMachine(DirectoryInfo location, IReplicatedStateMachine target, int threshold) : SimpleStateMachine(location)
{
    private ReadOnlyMemory<byte> _pendingSnapshot;

    public long SnapshotsTaken { get; private set; }

    protected override ValueTask<bool> ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (entry.IsConfiguration || entry.Length == 0)
        {
            target.Skip(entry.Index);
            (entry.Context as ProposalCompletion)?.Complete(null);
        }
        else
        {
            var payload = entry.TryGetPayload(out var sequence) ? sequence : new System.Buffers.ReadOnlySequence<byte>(Concatenate(entry.GetPayload()));
            object? result;
            try
            {
                result = target.Apply(entry.Index, payload);
            }
            catch (Exception error) when (entry.Context is ProposalCompletion)
            {
                ((ProposalCompletion)entry.Context).Fail(error);
                throw;
            }

            (entry.Context as ProposalCompletion)?.Complete(result);
        }

        if (entry.Index % threshold != 0)
        {
            return new(false);
        }

        // Capture now: the state is immutable, so the snapshot is exactly the state at this index
        // even though it is written to disk after later entries have been applied.
        _pendingSnapshot = SnapshotSeal.Seal(target.CaptureSnapshot().Span);
        SnapshotsTaken++;
        return new(true);
    }

    private static byte[] Concatenate(IEnumerable<ReadOnlyMemory<byte>> segments)
    {
        using var buffer = new MemoryStream();
        foreach (var segment in segments)
        {
            buffer.Write(segment.Span);
        }

        return buffer.ToArray();
    }

    protected override ValueTask PersistAsync(IAsyncBinaryWriter writer, CancellationToken token)
        => writer.Invoke(_pendingSnapshot, token);

    protected override async ValueTask RestoreAsync(FileInfo snapshotFile, CancellationToken token)
    {
        var bytes = await File.ReadAllBytesAsync(snapshotFile.FullName, token).ConfigureAwait(false);
        try
        {
            target.RestoreSnapshot(SnapshotSeal.Open(bytes));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw new InvalidDataException($"The Raft snapshot {snapshotFile.FullName} is damaged ({error.Message}); refusing to start.", error);
        }
    }
}
