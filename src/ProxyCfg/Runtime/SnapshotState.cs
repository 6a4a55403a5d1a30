using System.Threading.Channels;
using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// The machinery every watched snapshot kind shares (Consul's proxycfg <c>state</c> loop): any change it is interested
/// in marks it dirty; changes within the coalesce window (and the server's rebuild budget) give one build; the build
/// re-registers the watch keys it read (chained watches); a snapshot that differs from the last published one is
/// published to the watches (latest wins). Sidecars (<see cref="ProxyState"/>) and proxyless clients
/// (<see cref="ProxylessState"/>) differ only in what one build reads and produces.
/// </summary>
internal abstract class SnapshotState<TSnapshot> : IStoreWatcher, IAsyncDisposable
    where TSnapshot : class
{
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task _buildLoop = Task.CompletedTask;
    private TSnapshot? _published;
    private long _version;
    private bool _removed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _builds;
    private int _disposed;

    protected SnapshotState(ProxyConfigSource source) => Source = source;

    /// <summary>Watches holding this state; guarded by the source's lock.</summary>
    public int RefCount { get; set; }

    public long Builds => Interlocked.Read(ref _builds);

    public bool Stopped => _stop.IsCancellationRequested;

    protected ProxyConfigSource Source { get; }

    /// <summary>Cancelled when the state stops (its own loops link to it).</summary>
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>The last published snapshot (the previous one while a build runs).</summary>
    protected TSnapshot? Published
    {
        get
        {
            lock (_gate)
            {
                return _published;
            }
        }
    }

    /// <summary>Whether the first build skips the coalesce window: a client is already waiting, and nothing can be merged yet.</summary>
    protected virtual bool FirstBuildImmediate => false;

    public void Start()
    {
        _buildLoop = Task.Run(() => BuildLoopAsync(_stop.Token));
        MarkDirty();
    }

    public void MarkDirty() => _dirty.Writer.TryWrite(true);

    /// <summary>The latest published snapshot and its version, whether the state is gone, and a task completing on the next change.</summary>
    public (long Version, TSnapshot? Snapshot, bool Removed, Task Changed) Read()
    {
        lock (_gate)
        {
            return (_version, _published, _removed, _changed.Task);
        }
    }

    /// <summary>Stops the build loop (and the kind's own loops); watches see the state as removed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        MarkRemoved();
        await _stop.CancelAsync();
        _dirty.Writer.TryComplete();
        await Quietly(_buildLoop);
        await OnStoppedAsync();
        _stop.Dispose();
    }

    /// <summary>One build from the current store; false once the state is gone (the loop then ends).</summary>
    protected abstract bool BuildOnce();

    /// <summary>Awaits the kind's own loops after the build loop ended.</summary>
    protected virtual ValueTask OnStoppedAsync() => ValueTask.CompletedTask;

    protected static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected void MarkRemoved()
    {
        lock (_gate)
        {
            if (_removed)
            {
                return;
            }

            _removed = true;
            Signal();
        }
    }

    /// <summary>Stops the loops from inside a build (the last watch's dispose awaits them).</summary>
    protected void Stop() => _stop.Cancel();

    /// <summary>Counts a build and registers the keys it read from <paramref name="state"/>.</summary>
    protected void Built(StoreState state, IReadOnlySet<string> reads)
    {
        Interlocked.Increment(ref _builds);
        Source.CountBuild();
        Source.Registry.Update(this, reads);

        // A change applied between reading the state and registering the keys would otherwise be missed.
        var now = Source.Fsm.Current;
        if (!ReferenceEquals(now, state) && reads.Any(key => now.IndexOf(key) != state.IndexOf(key)))
        {
            MarkDirty();
        }
    }

    /// <summary>Publishes a snapshot unless it equals the last one (by <paramref name="same"/>); true when published.</summary>
    protected bool Publish(TSnapshot snapshot, Func<TSnapshot?, TSnapshot, bool> same)
    {
        lock (_gate)
        {
            if (_removed || same(_published, snapshot))
            {
                return false;
            }

            _published = snapshot;
            _version++;
            Signal();
        }

        Source.CountPublish();
        return true;
    }

    private void Signal() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task BuildLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _dirty.Reader;
        var first = true;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            reader.TryRead(out _);
            if (!(first && FirstBuildImmediate) && Source.Options.CoalesceDelay > TimeSpan.Zero)
            {
                await Task.Delay(Source.Options.CoalesceDelay, cancellationToken);
            }

            first = false;
            await Source.UpdateLimit.AcquireAsync(cancellationToken);
            reader.TryRead(out _); // whatever arrived during the window (and the wait for a rebuild slot) is covered
            if (!BuildOnce())
            {
                return;
            }
        }
    }
}
