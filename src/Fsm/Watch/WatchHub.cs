using System.Collections.Concurrent;

namespace Mesh.Fsm.Watch;

/// <summary>
/// Change notification by watch key. A key has a signal only while someone waits on it; firing a key completes and
/// drops its signal, so idle keys cost nothing and 10,000 waiters on one key share one <see cref="TaskCompletionSource"/>.
/// Readers capture their signals <em>before</em> reading the state, and the writer fires after publishing it, so a
/// change can never fall between a read and the wait.
/// </summary>
public sealed class WatchHub
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);
    private long _restoreGeneration;

    /// <summary>Number of keys someone is waiting on (for metrics and tests).</summary>
    public int ActiveKeys => _signals.Count;

    public WatchSet Capture(IReadOnlyList<string> keys)
    {
        var tasks = new Task[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            tasks[i] = _signals.GetOrAdd(keys[i], static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        return new WatchSet(tasks);
    }

    public void Fire(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            if (_signals.TryRemove(key, out var signal))
            {
                signal.TrySetResult();
            }
        }
    }

    /// <summary>Counts whole-state replacements; a blocking query returns at once when it changes under it.</summary>
    public long RestoreGeneration => Interlocked.Read(ref _restoreGeneration);

    /// <summary>Wakes every waiter (after a snapshot restore replaced the whole state).</summary>
    public void FireAll()
    {
        Interlocked.Increment(ref _restoreGeneration);
        Fire(_signals.Keys.ToList());
    }
}

/// <summary>The signals a blocking query captured; completes when any of them fires.</summary>
public readonly struct WatchSet
{
    private readonly Task[] _tasks;

    internal WatchSet(Task[] tasks) => _tasks = tasks;

    /// <summary>Waits until a watched key changes or the timeout passes; returns false on timeout.</summary>
    public async ValueTask<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }

        var any = _tasks.Length == 1 ? _tasks[0] : Task.WhenAny(_tasks);
        try
        {
            await any.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
