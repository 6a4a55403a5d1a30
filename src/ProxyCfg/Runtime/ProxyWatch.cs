namespace Mesh.ProxyCfg;

/// <summary>
/// One consumer's view of a proxy's snapshots (an xDS stream holds one). Several watches of the same proxy share one
/// proxy state; disposing the last one tears it down. Delivery is "latest wins": a consumer that is slow skips
/// intermediate snapshots.
/// </summary>
public sealed class ProxyWatch : IAsyncDisposable
{
    private readonly ProxyConfigSource _source;
    private long _seen;
    private int _disposed;

    internal ProxyWatch(ProxyConfigSource source, ProxyState state)
    {
        _source = source;
        State = state;
    }

    public ProxyId Id => State.Id;

    internal ProxyState State { get; }

    /// <summary>
    /// Waits for a snapshot newer than the last one this watch returned (the current valid one first).
    /// Returns null when the proxy was removed from the catalog; the watch is then finished.
    /// </summary>
    public async ValueTask<ConfigSnapshot?> NextAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            var (version, snapshot, removed, changed) = State.Read();
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
        => Interlocked.Exchange(ref _disposed, 1) == 0 ? _source.ReleaseAsync(State) : ValueTask.CompletedTask;
}
