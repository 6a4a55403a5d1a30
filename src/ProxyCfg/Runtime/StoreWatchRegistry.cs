using Mesh.Fsm;
using Mesh.Fsm.Feed;

namespace Mesh.ProxyCfg;

/// <summary>
/// One subscription to the state machine shared by every watched proxy: each changed watch key is looked up in a
/// key -> subscribers map, so thousands of proxies interested in <c>connect/db</c> cost one entry, not one store
/// watch each. A proxy's keys are replaced after every build (chained watches: the keys its last build read).
/// It reads the FSM's change feed on its own loop, so the apply thread only merges keys into one pending batch.
/// </summary>
internal sealed class StoreWatchRegistry : IDisposable
{
    private readonly ChangeSubscription _changes;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<IStoreWatcher>> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<IStoreWatcher, HashSet<string>> _keysOf = [];

    public StoreWatchRegistry(StateMachine fsm)
    {
        _changes = fsm.Changes.Subscribe();
        _loop = Task.Run(() => ReadChangesAsync(_stopping.Token));
    }

    /// <summary>How many distinct keys are watched.</summary>
    public int KeyCount
    {
        get
        {
            lock (_lock)
            {
                return _byKey.Count;
            }
        }
    }

    public int SubscriberCount(string key)
    {
        lock (_lock)
        {
            return _byKey.TryGetValue(key, out var subscribers) ? subscribers.Count : 0;
        }
    }

    /// <summary>Replaces the keys <paramref name="subscriber"/> is interested in.</summary>
    public void Update(IStoreWatcher subscriber, IReadOnlySet<string> keys)
    {
        lock (_lock)
        {
            if (_keysOf.TryGetValue(subscriber, out var old))
            {
                foreach (var key in old)
                {
                    if (!keys.Contains(key))
                    {
                        Unsubscribe(subscriber, key);
                    }
                }
            }

            foreach (var key in keys)
            {
                if (old is null || !old.Contains(key))
                {
                    if (!_byKey.TryGetValue(key, out var subscribers))
                    {
                        _byKey[key] = subscribers = [];
                    }

                    subscribers.Add(subscriber);
                }
            }

            _keysOf[subscriber] = new HashSet<string>(keys, StringComparer.Ordinal);
        }
    }

    public void Remove(IStoreWatcher subscriber)
    {
        lock (_lock)
        {
            if (_keysOf.Remove(subscriber, out var keys))
            {
                foreach (var key in keys)
                {
                    Unsubscribe(subscriber, key);
                }
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _changes.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Cancelled while waiting for a batch: the normal way out.
        }

        _stopping.Dispose();
    }

    private async Task ReadChangesAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ChangeBatch batch;
            try
            {
                batch = await _changes.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            OnChanged(batch);
        }
    }

    private void Unsubscribe(IStoreWatcher subscriber, string key)
    {
        if (_byKey.TryGetValue(key, out var subscribers) && subscribers.Remove(subscriber) && subscribers.Count == 0)
        {
            _byKey.Remove(key);
        }
    }

    /// <summary>Only looks up and flags subscribers; their own loops do the work.</summary>
    private void OnChanged(ChangeBatch batch)
    {
        List<IStoreWatcher> hit = [];
        lock (_lock)
        {
            if (batch.Restored)
            {
                hit.AddRange(_keysOf.Keys);
            }
            else
            {
                var seen = new HashSet<IStoreWatcher>();
                foreach (var key in batch.Keys)
                {
                    if (_byKey.TryGetValue(key, out var subscribers))
                    {
                        foreach (var subscriber in subscribers)
                        {
                            if (seen.Add(subscriber))
                            {
                                hit.Add(subscriber);
                            }
                        }
                    }
                }
            }
        }

        foreach (var subscriber in hit)
        {
            subscriber.MarkDirty();
        }
    }
}
