using Mesh.Fsm;
using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// One subscription to the state machine shared by every watched proxy: each changed watch key is looked up in a
/// key -> subscribers map, so thousands of proxies interested in <c>connect/db</c> cost one entry, not one store
/// watch each. A proxy's keys are replaced after every build (chained watches: the keys its last build read).
/// </summary>
internal sealed class StoreWatchRegistry : IDisposable
{
    private readonly StateMachine _fsm;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<ProxyState>> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<ProxyState, HashSet<string>> _keysOf = [];
    private object? _lastWatchIndexes;

    public StoreWatchRegistry(StateMachine fsm)
    {
        _fsm = fsm;
        _lastWatchIndexes = fsm.Current.WatchIndexes;
        fsm.Applied += OnApplied;
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
    public void Update(ProxyState subscriber, IReadOnlySet<string> keys)
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

    public void Remove(ProxyState subscriber)
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

    public void Dispose() => _fsm.Applied -= OnApplied;

    private void Unsubscribe(ProxyState subscriber, string key)
    {
        if (_byKey.TryGetValue(key, out var subscribers) && subscribers.Remove(subscriber) && subscribers.Count == 0)
        {
            _byKey.Remove(key);
        }
    }

    /// <summary>Runs on the apply thread: only looks up and flags subscribers; their own loops do the work.</summary>
    private void OnApplied(StoreState state, IReadOnlyCollection<string> touched)
    {
        List<ProxyState> hit = [];
        lock (_lock)
        {
            // No keys: a skipped index or refused command (watch indexes unchanged), or a restore (all of them replaced).
            var restored = touched.Count == 0 && !ReferenceEquals(_lastWatchIndexes, state.WatchIndexes);
            _lastWatchIndexes = state.WatchIndexes;
            if (restored)
            {
                hit.AddRange(_keysOf.Keys);
            }
            else
            {
                var seen = new HashSet<ProxyState>();
                foreach (var key in touched)
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
