using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Mesh.Raft;

/// <summary>
/// Adapts <see cref="IReplicatedStateMachine"/> to DotNext's WAL: entries are applied in order, proposal contexts are
/// completed with the apply result, and every <c>threshold</c> entries the state is captured (immutably, at that
/// index) and persisted in the background so that the log before it can be compacted.
/// </summary>
/// <remarks>
/// DotNext's <c>SimpleStateMachine</c> makes the entry after a snapshot point wait until the whole snapshot is
/// serialized, written and synced, which stalled every write for hundreds of milliseconds each time on a store of tens
/// of thousands of services (issue 18's p99). Here apply only captures the immutable state (O(1)); serializing,
/// sealing, writing and syncing run on a background task, one at a time in capture order, and the snapshot becomes
/// visible to the WAL (for compaction and for followers' InstallSnapshot) once it is durable under its final name.
/// </remarks>
[SuppressMessage("Usage", "DOTNEXT001", Justification = "IStateMachine is the WAL's state machine contract in DotNext 6.")]
internal sealed class SnapshottingStateMachine(DirectoryInfo location, IReplicatedStateMachine target, int threshold) : IStateMachine, IAsyncDisposable
{
    private long _appliedIndex;
    private volatile SnapshotFile? _snapshot;
    private Task _writing = Task.CompletedTask;

    public long SnapshotsTaken { get; private set; }

    ISnapshot? ISnapshotManager.Snapshot => _snapshot;

    /// <summary>Restores the state from the newest snapshot on disk, if any (before the WAL replays its tail).</summary>
    public async ValueTask RestoreAsync(CancellationToken cancellationToken)
    {
        DeleteLeftovers();
        if (SnapshotFile.Newest(location) is not { } newest)
        {
            return;
        }

        var bytes = await File.ReadAllBytesAsync(newest.File.FullName, cancellationToken).ConfigureAwait(false);
        Restore(newest.File, bytes);
        _snapshot = newest;
        _appliedIndex = newest.Index;
    }

    ValueTask<long> IStateMachine.ApplyAsync(LogEntry entry, CancellationToken token)
    {
        if (_appliedIndex >= entry.Index)
        {
            return new(_appliedIndex);
        }

        return entry.IsSnapshot ? InstallAsync(entry, token) : new(Apply(entry));
    }

    private long Apply(LogEntry entry)
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

        if (entry.Index % threshold == 0)
        {
            // Capture now: the state is immutable, so the snapshot is exactly the state at this index even though it
            // is serialized and written after later entries have been applied.
            var capture = target.CaptureSnapshot();
            SnapshotsTaken++;
            var previous = _writing;
            _writing = WriteAsync(previous, capture, entry.Index, entry.Term);
        }

        return _appliedIndex = entry.Index;
    }

    private async Task WriteAsync(Task previous, Func<ReadOnlyMemory<byte>> capture, long index, long term)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        if ((_snapshot?.Index ?? 0) >= index)
        {
            return; // an installed snapshot already covers this index
        }

        var sealedBytes = SnapshotSeal.Seal(capture().Span);
        var written = await SnapshotFile.WriteAsync(location, index, term, sealedBytes, CancellationToken.None).ConfigureAwait(false);
        if ((_snapshot?.Index ?? 0) < index)
        {
            _snapshot = written;
        }
    }

    /// <summary>A snapshot sent by the leader (InstallSnapshot): made durable under its name, then the state is replaced.</summary>
    private async ValueTask<long> InstallAsync(LogEntry entry, CancellationToken token)
    {
        await _writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var bytes = await entry.ToByteArrayAsync(token: token).ConfigureAwait(false);
        var installed = await SnapshotFile.WriteAsync(location, entry.Index, entry.Term, bytes, token).ConfigureAwait(false);
        Restore(installed.File, bytes);
        _snapshot = installed;
        return _appliedIndex = entry.Index;
    }

    private void Restore(FileInfo file, byte[] bytes)
    {
        try
        {
            target.RestoreSnapshot(SnapshotSeal.Open(bytes));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw new InvalidDataException($"The Raft snapshot {file.FullName} is damaged ({error.Message}); refusing to start.", error);
        }
    }

    ValueTask ISnapshotManager.ReclaimGarbageAsync(long watermark, CancellationToken token)
    {
        foreach (var candidate in SnapshotFile.All(location))
        {
            token.ThrowIfCancellationRequested();
            if (candidate.Index < watermark && candidate.Index != _snapshot?.Index)
            {
                candidate.File.Delete();
            }
        }

        return ValueTask.CompletedTask;
    }

    private void DeleteLeftovers()
    {
        foreach (var file in location.EnumerateFiles("*" + SnapshotFile.TemporarySuffix))
        {
            file.Delete(); // a write interrupted by a crash: never renamed, so never a snapshot
        }
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

    /// <summary>Waits for snapshots still being written: a clean stop leaves the newest one durable.</summary>
    public async ValueTask DisposeAsync() => await _writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    /// <summary>A durable snapshot file named <c>{index}-{term}</c> (the name DotNext's own state machine used).</summary>
    private sealed class SnapshotFile(FileInfo file, long index, long term) : ISnapshot
    {
        public const string TemporarySuffix = ".partial";

        public FileInfo File { get; } = file;

        public long Index { get; } = index;

        public long Term { get; } = term;

        public DateTimeOffset Timestamp => File.CreationTimeUtc;

        long? IDataTransferObject.Length => File.Length;

        bool IDataTransferObject.IsReusable => true;

        public static IEnumerable<SnapshotFile> All(DirectoryInfo location)
        {
            foreach (var file in location.EnumerateFiles("*-*"))
            {
                if (file.Name.Split('-') is [var index, var term]
                    && long.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i)
                    && long.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                {
                    yield return new SnapshotFile(file, i, t);
                }
            }
        }

        public static SnapshotFile? Newest(DirectoryInfo location) => All(location).MaxBy(snapshot => snapshot.Index);

        /// <summary>Writes to a temporary file, syncs it, then renames it to its final name (atomic on one file system).</summary>
        public static async Task<SnapshotFile> WriteAsync(DirectoryInfo location, long index, long term, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{index}-{term}");
            var final = Path.Combine(location.FullName, name);
            var temporary = final + TemporarySuffix;
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            System.IO.File.Move(temporary, final, overwrite: true);
            return new SnapshotFile(new FileInfo(final), index, term);
        }

        async ValueTask IDataTransferObject.WriteToAsync<TWriter>(TWriter writer, CancellationToken token)
        {
            var stream = File.Open(new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read | FileShare.Delete, BufferSize = Environment.SystemPageSize });
            await using (stream.ConfigureAwait(false))
            {
                await writer.CopyFromAsync(stream, token: token).ConfigureAwait(false);
            }
        }
    }
}
