using Mesh.Fsm.State;
using Mesh.Fsm.Watch;

namespace Mesh.Fsm.Feed;

/// <summary>
/// The one stream of changes out of the FSM: one <see cref="ChangeRecord"/> per applied index, in index order.
/// <see cref="WatchHub"/> (blocking queries) is fed synchronously, because firing its signals is a few dictionary
/// removals; every other reader takes a <see cref="ChangeSubscription"/>, which coalesces while its reader is busy, so
/// publishing never blocks the apply path on a slow subscriber. Waiting for an index is a sorted waiter list, not polling.
/// </summary>
public sealed class ChangeFeed
{
    private readonly WatchHub _watches;
    private readonly Lock _lock = new();
    private volatile ChangeSubscription[] _subscribers = [];
    private readonly SortedDictionary<long, TaskCompletionSource> _indexWaiters = [];
    private volatile bool _hasIndexWaiters;
    private long _published;
    private long _lastIndex;

    internal ChangeFeed(WatchHub watches) => _watches = watches;

    /// <summary>Records published so far (every applied index and every snapshot install counts once).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>The index of the last record published.</summary>
    public long LastIndex => Interlocked.Read(ref _lastIndex);

    public ChangeSubscription Subscribe()
    {
        var subscription = new ChangeSubscription(this);
        lock (_lock)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    /// <summary>Completes once a record with index <paramref name="index"/> or higher has been published.</summary>
    public Task WaitForIndexAsync(long index, CancellationToken cancellationToken)
    {
        if (LastIndex >= index)
        {
            return Task.CompletedTask;
        }

        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (!_indexWaiters.TryGetValue(index, out var existing))
            {
                existing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _indexWaiters[index] = existing;
                _hasIndexWaiters = true;
            }

            waiter = existing;
        }

        // Re-check after registering: a publish in between may have missed the new waiter.
        if (LastIndex >= index)
        {
            ReleaseIndexWaiters(LastIndex);
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    internal void Remove(ChangeSubscription subscription)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscription))];
        }
    }

    /// <summary>Runs on the apply thread after the new state is visible.</summary>
    internal void Publish(ChangeRecord record)
    {
        Interlocked.Increment(ref _published);
        Interlocked.Exchange(ref _lastIndex, record.Index);
        switch (record.Kind)
        {
            case ChangeKind.Write:
                _watches.Fire(record.Keys);
                break;
            case ChangeKind.Restore:
                _watches.FireAll();
                break;
        }

        foreach (var subscriber in _subscribers)
        {
            subscriber.Offer(record);
        }

        if (_hasIndexWaiters)
        {
            ReleaseIndexWaiters(record.Index);
        }
    }

    private void ReleaseIndexWaiters(long index)
    {
        List<TaskCompletionSource>? ready = null;
        lock (_lock)
        {
            while (_indexWaiters.Count > 0)
            {
                var first = _indexWaiters.First();
                if (first.Key > index)
                {
                    break;
                }

                _indexWaiters.Remove(first.Key);
                (ready ??= []).Add(first.Value);
            }

            _hasIndexWaiters = _indexWaiters.Count > 0;
        }

        if (ready is not null)
        {
            foreach (var waiter in ready)
            {
                waiter.TrySetResult();
            }
        }
    }
}
