using System.Collections.Immutable;

namespace Mesh.ProxyCfg;

/// <summary>
/// Background loops of one proxy, one per key (a linked service's leaf, a remote datacenter's instances), and the value
/// each last reported, which builds read. <see cref="Keep"/> starts the loops of new keys and stops the others (their
/// values dropped); a value reported by a loop already stopped is ignored.
/// </summary>
internal sealed class KeyedLoops<TKey, TValue>(IEqualityComparer<TKey> comparer, CancellationToken stopping)
    where TKey : notnull
    where TValue : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, (CancellationTokenSource Stop, Task Loop)> _loops = new(comparer);
    private ImmutableDictionary<TKey, TValue> _values = ImmutableDictionary.Create<TKey, TValue>(comparer);

    /// <summary>The value last reported for <paramref name="key"/>, or null.</summary>
    public TValue? For(TKey key) => Volatile.Read(ref _values).GetValueOrDefault(key);

    /// <summary>Runs exactly the loops of <paramref name="keys"/>: <paramref name="start"/> for the missing ones, the others stopped.</summary>
    public void Keep(IReadOnlyCollection<TKey> keys, Func<TKey, CancellationToken, Task> start)
    {
        lock (_gate)
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            foreach (var gone in _loops.Keys.Where(key => !keys.Contains(key)).ToList())
            {
                var (stop, loop) = _loops[gone];
                stop.Cancel();
                _ = loop.ContinueWith(_ => stop.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                _loops.Remove(gone);
                ImmutableInterlocked.TryRemove(ref _values, gone, out _);
            }

            foreach (var key in keys.Where(key => !_loops.ContainsKey(key)))
            {
                var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var token = stop.Token;
                _loops[key] = (stop, Task.Run(() => start(key, token)));
            }
        }
    }

    /// <summary>
    /// Records what the loop of <paramref name="key"/> (running under <paramref name="token"/>) found; false when the loop
    /// was stopped meanwhile or the value is the <paramref name="same"/> as the one held.
    /// </summary>
    public bool Publish(TKey key, TValue value, CancellationToken token, Func<TValue, TValue, bool>? same = null)
    {
        lock (_gate)
        {
            if (token.IsCancellationRequested)
            {
                return false;
            }

            if (same is not null && _values.TryGetValue(key, out var held) && same(held, value))
            {
                return false;
            }

            ImmutableInterlocked.AddOrUpdate(ref _values, key, value, (_, _) => value);
            return true;
        }
    }

    /// <summary>Waits for every loop to end (after the proxy's stop token was cancelled) and releases them.</summary>
    public async ValueTask StopAsync()
    {
        List<(CancellationTokenSource Stop, Task Loop)> loops;
        lock (_gate)
        {
            loops = [.. _loops.Values];
            _loops.Clear();
        }

        foreach (var (stop, loop) in loops)
        {
            await stop.CancelAsync();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // a loop cancelled while it waited to retry
            }

            stop.Dispose();
        }
    }
}
