using Mesh.Fsm.State;

namespace Mesh.Fsm.Feed;

/// <summary>
/// One reader of the <see cref="ChangeFeed"/>. Records published while the reader is busy are merged into one pending
/// batch (union of keys, restore flag, latest state), so the publisher never waits and memory is bounded by the number
/// of distinct keys, however slow the reader is. Nothing is lost: a merged batch still names every touched key.
/// </summary>
public sealed class ChangeSubscription : IDisposable
{
    private readonly ChangeFeed _feed;
    private readonly Lock _lock = new();
    private HashSet<string> _keys = new(StringComparer.Ordinal);
    private bool _restored;
    private int _records;
    private long _index;
    private StoreState? _state;
    private TaskCompletionSource? _waiter;
    private bool _disposed;

    internal ChangeSubscription(ChangeFeed feed) => _feed = feed;

    /// <summary>Takes the pending batch, if records arrived since the previous read, without waiting.</summary>
    public bool TryRead([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChangeBatch? batch)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            batch = TakePending();
            return batch is not null;
        }
    }

    /// <summary>Waits for the next batch; returns at once when records arrived since the previous read.</summary>
    public async ValueTask<ChangeBatch> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (TakePending() is { } batch)
                {
                    return batch;
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private ChangeBatch? TakePending()
    {
        if (_records == 0)
        {
            return null;
        }

        var batch = new ChangeBatch(_index, _restored, _keys, _records, _state!);
        _keys = new HashSet<string>(StringComparer.Ordinal);
        _restored = false;
        _records = 0;
        _state = null;
        return batch;
    }

    /// <summary>Runs on the apply thread: merges under a short lock and wakes the reader; never blocks on it.</summary>
    internal void Offer(ChangeRecord record)
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (record.Kind == ChangeKind.Restore)
            {
                _restored = true;
            }

            foreach (var key in record.Keys)
            {
                _keys.Add(key);
            }

            _records++;
            _index = record.Index;
            _state = record.State;
            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult();
    }

    public void Dispose()
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            wake = _waiter;
            _waiter = null;
        }

        _feed.Remove(this);
        wake?.TrySetResult();
    }
}
