namespace Mesh.ProxyCfg;

/// <summary>
/// One consumer's view of a shared <see cref="SnapshotState{TSnapshot}"/> (an xDS stream holds one). Delivery is
/// "latest wins": a slow consumer skips intermediate snapshots. Disposing releases the state; the last release tears
/// it down.
/// </summary>
public abstract class SnapshotWatch<TSnapshot> : IAsyncDisposable
    where TSnapshot : class
{
    private readonly SnapshotState<TSnapshot> _state;
    private long _seen;
    private int _disposed;

    private protected SnapshotWatch(SnapshotState<TSnapshot> state) => _state = state;

    /// <summary>
    /// Waits for a snapshot newer than the last one this watch returned (the current one first). Returns null when the
    /// state was removed (the proxy left the catalog, or proxycfg is shutting down); the watch is then finished.
    /// </summary>
    public async ValueTask<TSnapshot?> NextAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            var (version, snapshot, removed, changed) = _state.Read();
            if (removed)
            {
                return null;
            }

            if (snapshot is not null && version > _seen)
            {
                _seen = version;
                return snapshot;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Interlocked.Exchange(ref _disposed, 1) == 0 ? ReleaseAsync() : ValueTask.CompletedTask;
    }

    /// <summary>Gives the state back to the source that handed it out.</summary>
    private protected abstract ValueTask ReleaseAsync();
}
